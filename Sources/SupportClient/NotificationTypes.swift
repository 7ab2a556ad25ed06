public import DeskDatabase
public import PGClient

/// One notification about a member, as the agent on the call sees it: who it went to and how
/// delivery went, never its text (which may hold the member's dispute link).
public struct MemberNotification: Sendable, Equatable {
    /// The audit event it reports.
    public let eventID: Int64
    /// The action it reports.
    public let kind: AuditAction
    public let recipient: String
    public let audience: NotificationAudience
    public let state: NotificationState
    public let attempts: Int
    public let createdAt: PGTimestamp
    public let sentAt: PGTimestamp?
}

/// A credential a support disable suspended, and what became of it: lets the agent see that a
/// member disputed a disable, or still can.
public struct Suspension: Sendable, Equatable {
    /// The disable event that suspended it.
    public let eventID: Int64?
    public let suspendedAt: PGTimestamp
    /// Until when the member's link can undo the disable.
    public let disputeUntil: PGTimestamp
    public let state: SuspensionState
    public let endedAt: PGTimestamp?
}

/// One recipient of an event's notifications: what a disable prints, so the agent can tell the
/// caller who was told.
public struct NotifiedRecipient: Sendable, Equatable {
    public let recipient: String
    public let audience: NotificationAudience
}

/// A second-channel code on its way: where it was mailed and until when it works (never the code).
public struct EmailCodeSent: Sendable, Equatable {
    public let recipient: String
    public let expiresAt: PGTimestamp
}
