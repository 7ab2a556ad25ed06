public import DeskDatabase
public import Foundation
public import PGClient

/// Who the console is connected as, as the database sees it (session_user).
public struct AgentIdentity: Sendable, Equatable {
    /// The agent's login role.
    public let agent: String
    /// Whether the role may use supervisor functions.
    public let isSupervisor: Bool
    /// Set while the agent is locked out of code checks.
    public let lockedUntil: PGTimestamp?
}

/// One ranked search hit.
public struct FoundMember: Sendable, Equatable {
    public let memberID: Int64
    public let accountNumber: String
    public let customerName: String
    public let name: String
    public let email: String
    public let role: MemberRole
    public let phone: String?
    public let twoFactor: TwoFactorState
    public let mandatory: Bool
    /// What matched.
    public let matchedOn: MatchKind
    /// 0…1, higher first.
    public let score: Double
}

/// One member in full, as an agent on a call needs it.
public struct MemberDetail: Sendable, Equatable {
    public let memberID: Int64
    public let email: String
    public let name: String
    public let phone: String?
    public let role: MemberRole
    public let accountNumber: String
    public let customerName: String
    /// Whether the customer enforces 2FA; a member whose 2FA is disabled must set it up again.
    public let mandatory: Bool
    public let mandatorySince: PGTimestamp?
    public let mandatoryBy: String?
    public let twoFactor: TwoFactorState
    public let twoFactorSince: PGTimestamp?
    public let recoveryCodesLeft: Int
    /// Set while code checks for this member are locked.
    public let lockedUntil: PGTimestamp?
    public let lastLoginAt: PGTimestamp?
    public let createdAt: PGTimestamp
    /// Until when this agent's unused match for this member allows a disable.
    public let verifiedUntil: PGTimestamp?
    /// What the member's recent sign-in codes say about their phone's clock.
    public var codeClock: CodeClock? = nil
    /// The member's latest notifications (who was told of what, and delivery).
    public var notifications: [MemberNotification] = []
    /// Credentials support disables suspended, and whether the member disputed them.
    public var suspensions: [Suspension] = []
    /// A recent recovery lock and wrong codes: what a disable now should be warned of.
    public var recentTrouble: RecoveryTrouble? = nil
    /// What would still stop this agent's disable of the member, as the database says.
    public var readiness: DisableReadiness? = nil
}

/// What would still stop this agent's disable of a member, asked before the reason and ticket
/// are typed (and right after a match) so the agent is not refused at the end of the dialogue.
/// The database's answer (`support.user_disable_readiness`), never worked out here.
public struct DisableReadiness: Sendable, Equatable {
    /// Why there is no usable match (none, expired how long ago, or used); nil when there is one.
    public let noMatch: String?
    /// Whether the policy (`second_channel_for`) wants an emailed code for this member too.
    public let needsEmailCode: Bool
    /// Whether this agent has presented an emailed code that counts.
    public let emailCodeReady: Bool

    /// Whether an emailed code is still missing.
    public var emailCodeMissing: Bool { needsEmailCode && !emailCodeReady }
}

/// The member's recovery trouble in the last 24 hours, as the database counts it: a lock that
/// started then (wrong codes, then a right one is what a guessing caller looks like) and the
/// wrong codes read for them. The review queue flags a disable after such trouble; the agent is
/// told before the disable, not only the supervisor after it.
public struct RecoveryTrouble: Sendable, Equatable {
    /// When the latest lock in the window started, nil when there was none.
    public let lockedAt: PGTimestamp?
    /// When that lock ended or will end (early when lifted).
    public let lockEndsAt: PGTimestamp?
    /// The supervisor who lifted it early, if one did.
    public let liftedBy: String?
    /// Wrong codes read for the member in the window.
    public let wrongCodes: Int
    /// Where the window starts (24 hours ago).
    public let windowStart: PGTimestamp

    /// Whether there is anything to warn of.
    public var isEmpty: Bool { lockedAt == nil && wrongCodes == 0 }
}

/// What a member's sign-in codes of the last 24 hours say about their phone's clock: the
/// portal records only the offset at which a failed code matched their app (within ±10
/// minutes), never the code. "My codes don't work" is often a phone whose clock is wrong.
public struct CodeClock: Sendable, Equatable {
    /// Failed sign-in codes in the last 24 hours.
    public let failedCodes: Int
    /// How many of them matched the app at some offset.
    public let matchedCodes: Int
    /// The latest such offset in seconds; positive: the phone is ahead.
    public let offsetSeconds: Int?
    /// When the last code failed.
    public let lastFailedAt: PGTimestamp?
    /// The offset of the last accepted code, in seconds.
    public let acceptedOffsetSeconds: Int?

    /// The sentence for the agent when the failures point at the clock, else nil.
    public var diagnosis: String? {
        guard matchedCodes > 0, let offsetSeconds, offsetSeconds != 0 else { return nil }
        let minutes = (abs(offsetSeconds) + 30) / 60
        let amount = minutes >= 1 ? "\(minutes) minute\(minutes == 1 ? "" : "s")" : "\(abs(offsetSeconds)) seconds"
        return "last failed sign-ins: the codes match the app \(amount) \(offsetSeconds > 0 ? "ahead" : "behind") — the phone's clock is wrong"
    }
}

/// The outcome of checking a recovery code read over the phone.
public enum RecoveryCheckOutcome: String, Sendable, Equatable {
    case match, mismatch, malformed, locked
    case notEnrolled = "not_enrolled"
}

/// What the database said about one code check.
public struct RecoveryCheck: Sendable, Equatable {
    public let outcome: RecoveryCheckOutcome
    /// After a mismatch: mismatches left before the member is locked.
    public let attemptsLeft: Int?
    /// When locked (now or by this mismatch): until when.
    public let lockedUntil: PGTimestamp?
    /// Whose lock it is.
    public let lockedScope: LockScope?
    /// After a match: until when it can be used for a disable.
    public let usableUntil: PGTimestamp?
}

/// An audit event as agents see it (without the chain's hashes).
public struct AuditEvent: Sendable, Equatable {
    public let seq: Int64
    public let occurredAt: PGTimestamp
    public let actor: String
    public let action: AuditAction
    /// The member's email, the customer's account number, or the agent's name.
    public let target: String
    public let accountNumber: String?
    public let reason: String?
    public let ticket: String?
    public let requestID: UUID?
}

/// Filters for the audit log; nil means "any".
public struct AuditLogFilter: Sendable, Equatable {
    public var since: PGTimestamp?
    public var until: PGTimestamp?
    public var agent: String?
    public var account: String?
    public var email: String?
    public var action: AuditAction?
    /// Paging: only events older than this seq.
    public var beforeSeq: Int64?
    public var limit: Int

    /// Every event, newest first, `limit` at a time.
    public init(limit: Int = 50) { self.limit = limit }
}

/// The policy numbers from `portal.settings` that an agent is told about.
public struct SupportPolicy: Sendable, Equatable {
    /// Mismatches for one member before their recovery is locked.
    public let userMaxMismatches: Int
    /// How long a member's recovery stays locked, in seconds.
    public let userLockSeconds: Int
    /// Mismatches across members before the agent is locked.
    public let agentMaxMismatches: Int
    /// How long an agent stays locked, in seconds.
    public let agentLockSeconds: Int
    /// How long a match allows a disable, in seconds.
    public let verificationValidSeconds: Int
    /// The shortest reason a disable or unlock accepts.
    public let minReasonLength: Int
    /// The regular expression this desk's ticket references match (in upper case).
    public let ticketPattern: String
    /// A ticket reference of this desk's shape, to show agents.
    public let ticketExample: String
    /// The desk's common reasons for a disable, offered by number (1 is the first).
    public let commonReasons: [String]
}

/// One server session: its process id and start time (a pid alone can be reused).
public struct SessionIdentity: Sendable, Equatable {
    public let pid: Int32
    public let started: PGTimestamp

    public init(pid: Int32, started: PGTimestamp) {
        self.pid = pid
        self.started = started
    }
}
