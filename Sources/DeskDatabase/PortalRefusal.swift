public import PGClient

/// A refusal by the schema's policy (SQLSTATE class `DK`), with the plain sentence the database
/// gave. Callers branch on `code`; people read `message`.
public struct PortalRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which rule refused, as a value that cannot be misspelt.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case notAnAgent = "DK001", notASupervisor = "DK002", memberNotFound = "DK003"
            case notEnrolled = "DK004", notVerified = "DK005", reasonRequired = "DK007"
            case ticketRequired = "DK008", requestConflict = "DK009", invalidArgument = "DK010"
            case auditAppendOnly = "DK011", notLocked = "DK012", customerNotFound = "DK013"
            case busy = "DK014", noSuchRecord = "DK015", notCommitted = "DK016"
            case lookupLimitReached = "DK017", ownAction = "DK018", secondChannelRequired = "DK019", emailCodeLimit = "DK020"
            case alreadyEnrolled = "DK101", noPendingEnrolment = "DK102", notAdministrator = "DK103"
            case duplicateAccount = "DK104", duplicate = "DK105", invalidInput = "DK106"
            case disputeLinkNotUsable = "DK107"
            case wrongCode = "DK120", replayedCode = "DK121"
            case notReviewable = "DK200", ownReview = "DK201", alreadyReviewed = "DK202", noteRequired = "DK203"
            case noSuchRequest = "DK204", requestDecided = "DK205", requestExpired = "DK206"
        }
        fileprivate let base: Base

        /// The login role is not a support agent.
        public static let notAnAgent = Code(base: .notAnAgent)
        /// The function is for supervisors.
        public static let notASupervisor = Code(base: .notASupervisor)
        /// No team member has that email or id.
        public static let memberNotFound = Code(base: .memberNotFound)
        /// The member has no active 2FA.
        public static let notEnrolled = Code(base: .notEnrolled)
        /// No usable recovery-code match by this agent for this member.
        public static let notVerified = Code(base: .notVerified)
        /// The reason is missing or too short.
        public static let reasonRequired = Code(base: .reasonRequired)
        /// The ticket reference is missing or malformed.
        public static let ticketRequired = Code(base: .ticketRequired)
        /// The request id belongs to a different request.
        public static let requestConflict = Code(base: .requestConflict)
        /// A filter, limit or query is out of range.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// Someone tried to change the audit log.
        public static let auditAppendOnly = Code(base: .auditAppendOnly)
        /// There is no lockout to clear.
        public static let notLocked = Code(base: .notLocked)
        /// No customer has that account number.
        public static let customerNotFound = Code(base: .customerNotFound)
        /// Another session holds the member or agent open; the message names it.
        public static let busy = Code(base: .busy)
        /// No code check or look-up of the caller's has that id (or it is too old to answer).
        public static let noSuchRecord = Code(base: .noSuchRecord)
        /// The check or look-up is not committed yet, or this transaction recorded a check.
        public static let notCommitted = Code(base: .notCommitted)
        /// The agent has made as many look-ups this hour as the desk allows.
        public static let lookupLimitReached = Code(base: .lookupLimitReached)
        /// A supervisor tried to lift their own lock or limit.
        public static let ownAction = Code(base: .ownAction)
        /// Policy (`second_channel_for`) asks this member's disable for the code mailed to their
        /// address as well, and this agent has no matching one presented: run `send-code`.
        public static let secondChannelRequired = Code(base: .secondChannelRequired)
        /// The member was sent as many emailed codes in the last hour as the desk allows
        /// (`email_codes_per_hour`): each code is 5 guesses, so sending them is limited too.
        public static let emailCodeLimit = Code(base: .emailCodeLimit)
        /// The member already has active 2FA.
        public static let alreadyEnrolled = Code(base: .alreadyEnrolled)
        /// There is no pending set-up to confirm.
        public static let noPendingEnrolment = Code(base: .noPendingEnrolment)
        /// Only an administrator of the customer may do this.
        public static let notAdministrator = Code(base: .notAdministrator)
        /// The account number is taken.
        public static let duplicateAccount = Code(base: .duplicateAccount)
        /// The email or role name is taken.
        public static let duplicate = Code(base: .duplicate)
        /// A value does not have the required form.
        public static let invalidInput = Code(base: .invalidInput)
        /// A dispute link is unknown, already used, or past its window.
        public static let disputeLinkNotUsable = Code(base: .disputeLinkNotUsable)
        /// The authenticator code is not valid now. Raised by the portal itself, the only side
        /// that can read the secret, under the same contract as the database's refusals.
        public static let wrongCode = Code(base: .wrongCode)
        /// The authenticator code was already used (raised by the portal, as `wrongCode`).
        public static let replayedCode = Code(base: .replayedCode)

        /// The event named is no item of the review queue (only disables, overrides, unlocks and
        /// disputes are).
        public static let notReviewable = Code(base: .notReviewable)
        /// A supervisor tried to review, or approve, an action of their own: dual control means
        /// a second person.
        public static let ownReview = Code(base: .ownReview)
        /// The item was signed off already (by the reviewer the message names).
        public static let alreadyReviewed = Code(base: .alreadyReviewed)
        /// A concern was raised without a note saying what is wrong.
        public static let noteRequired = Code(base: .noteRequired)
        /// No requested disable has that number.
        public static let noSuchRequest = Code(base: .noSuchRequest)
        /// The requested disable was approved or rejected already.
        public static let requestDecided = Code(base: .requestDecided)
        /// The requested disable is past its approval window, or the member enrolled again since.
        public static let requestExpired = Code(base: .requestExpired)

        /// The SQLSTATE, e.g. `DK005`.
        public var sqlState: String { base.rawValue }
        public var description: String { base.rawValue }
    }

    /// Which rule refused.
    public let code: Code
    /// The database's sentence, e.g. "a reason of at least 10 characters is required".
    public let message: String

    /// A refusal the portal makes itself before asking the database (same codes, same words).
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The refusal inside a database error, if it is one of ours.
    public init?(_ error: PGError) {
        guard let state = error.sqlState, let base = Code.Base(rawValue: state.rawValue) else { return nil }
        code = Code(base: base)
        message = error.message
    }

    public var description: String { message }
}
