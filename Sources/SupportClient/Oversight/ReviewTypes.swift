public import DeskDatabase
public import PGClient

/// A flag on a review item with the database's sentence for it ("jane@… is an administrator"),
/// so a supervisor reads why, not only what.
public struct ReviewFlagNote: Sendable, Equatable, Codable {
    /// Which flag.
    public let flag: ReviewFlag
    /// The database's explanation, in words.
    public let why: String
}

/// How a supervisor signed an item off: the only two outcomes `support.review_item` accepts.
public enum ReviewVerdict: String, Sendable, CaseIterable {
    /// Looked at and found in order.
    case approved
    /// Looked at and found wanting (a note says why).
    case concern
}

/// The sign-off of a reviewed item: who, when, how, and the chained event that records it.
public struct ReviewSignOff: Sendable, Equatable {
    public let verdict: ReviewVerdict
    public let reviewer: String
    public let note: String?
    public let reviewedAt: PGTimestamp
    /// The `review_approved` or `review_concern` event's number.
    public let eventSeq: Int64
}

/// One item of the review queue: a support disable, override, unlock or dispute, its flags
/// (computed by the database when read) and, once signed off, the sign-off.
public struct ReviewItem: Sendable, Equatable {
    /// The event's number, which `review approve N` names.
    public let item: Int64
    public let occurredAt: PGTimestamp
    public let actor: String
    public let action: AuditAction
    public let target: String
    public let accountNumber: String?
    public let reason: String?
    public let ticket: String?
    /// For a disable that waited for a second approver: who approved it.
    public let approvedBy: String?
    /// The flags' total weight: the queue's order, riskiest first.
    public let score: Int
    public let flags: [ReviewFlagNote]
    /// Nil while pending.
    public let signOff: ReviewSignOff?
}

/// What `review` asks for: pending items only, or all; the same time, agent and customer
/// filters as the log.
public struct ReviewFilter: Sendable, Equatable {
    public var all = false
    public var since: PGTimestamp?
    public var until: PGTimestamp?
    public var agent: String?
    public var account: String?
    public var limit = 50

    public init(all: Bool = false, limit: Int = 50) {
        self.all = all
        self.limit = limit
    }
}

/// Where a requested disable stands: waiting for a second approver, carried out, ended, or
/// left past its window.
public enum RequestState: String, Sendable, CaseIterable {
    case pending, approved, rejected, expired
}

/// A disable held for a second approver (dual control) and what became of it.
public struct DisableRequest: Sendable, Equatable {
    /// The `disable_requested` event's number, which `approve REQUEST` names.
    public let request: Int64
    public let requestedAt: PGTimestamp
    /// After this, it can no longer be approved.
    public let expiresAt: PGTimestamp
    public let requestedBy: String
    public let target: String
    public let accountNumber: String?
    /// The disable it will be: `2fa_disabled_support` or `2fa_disabled_override`.
    public let action: AuditAction
    public let reason: String
    public let ticket: String
    public let state: RequestState
    public let decidedBy: String?
    public let decidedAt: PGTimestamp?
    /// The disable event an approval produced.
    public let disableEvent: Int64?
}

/// The review state of one of a member's queue items, for `show`.
public struct ItemReviewState: Sendable, Equatable {
    public let item: Int64
    public let occurredAt: PGTimestamp
    public let action: AuditAction
    /// Nil while pending.
    public let verdict: ReviewVerdict?
    public let reviewer: String?
    public let reviewedAt: PGTimestamp?
}

/// What supervisors' oversight says about one member: their queue items' review state and their
/// requested disables.
public struct MemberOversight: Sendable, Equatable {
    public let reviews: [ItemReviewState]
    public let requests: [DisableRequest]
}
