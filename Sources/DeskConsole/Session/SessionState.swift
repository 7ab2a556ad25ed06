public import Foundation
import DeskDatabase
public import SupportClient

/// What the console remembers between commands: the last `find` (so `show 2` works), emails
/// seen (for tab completion), the policy numbers, and a disable whose answer never arrived.
public final class SessionState {
    /// The rows of the last `find`, numbered from 1.
    public internal(set) var lastFind: [FoundMember] = []
    /// Emails shown so far, offered by tab completion; capped so a long session stays small.
    public internal(set) var seenEmails: Set<String> = []
    /// The database's lockout and verification numbers, read at connect.
    public internal(set) var policy: SupportPolicy?
    /// Who the database says we are.
    public internal(set) var identity: AgentIdentity?
    /// A disable sent but not answered (the connection dropped): looked up by its request id
    /// after reconnecting, never sent again blindly.
    public internal(set) var requestInFlight: RequestInFlight?
    /// Members this session mailed a second-channel code to (`send-code`), so an interactive
    /// `verify` asks for the emailed code too.
    public internal(set) var emailCodesSent: Set<Int64> = []
    /// The member the call in progress is about: the one match of the last find, or the member
    /// the last command named; commands that leave out USER mean them.
    var callMember: CallMember?
    /// The ticket of the call in progress and whose customer it is, offered again at the next
    /// ticket question about the same customer.
    var callTicket: CallTicket?

    static let seenEmailLimit = 5_000

    public init() {}

    func remember(emails: [String]) {
        for email in emails where seenEmails.count < Self.seenEmailLimit { seenEmails.insert(email) }
    }
}

/// A change sent to the database whose answer did not arrive.
public struct RequestInFlight: Sendable, Equatable {
    public let id: UUID
    /// What it was, for the message: `disable-2fa jane@acme.example`.
    public let description: String
    /// Whom it was for, so the agent knows what to `show` afterwards.
    public let member: String
    /// The server session it was sent on, ended before the look-up so the answer is final.
    public let session: SessionIdentity?

    public init(id: UUID, description: String, member: String, session: SessionIdentity?) {
        self.id = id
        self.description = description
        self.member = member
        self.session = session
    }
}
