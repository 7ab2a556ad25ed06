/// Who a notification is for (`portal.notification_audience`): the member the event is about, or
/// one of the customer's administrators. A test holds it equal to the SQL domain.
public enum NotificationAudience: String, Sendable, CaseIterable, Codable {
    case member
    case administrator
}

/// Where a notification is in its delivery (`portal.notification_state`): waiting for the
/// worker, handed to the mail system, or given up after the last try.
public enum NotificationState: String, Sendable, CaseIterable, Codable {
    case pending
    case sent
    case failed
}

/// What became of a credential a support disable suspended (`portal.suspension_state`): kept
/// for a dispute, restored by one, purged after the window, or ended because another suspension
/// of the member was disputed.
public enum SuspensionState: String, Sendable, CaseIterable, Codable {
    case kept
    case disputed
    case expired
    case superseded
}

/// What a presented emailed code turned out to be, once its record committed.
public enum EmailCodeOutcome: String, Sendable, CaseIterable, Codable {
    case match
    case mismatch
    /// Typed after its 10 minutes, or a newer code was sent since.
    case expired
    /// Beyond the code's tries.
    case exhausted
    /// No code was ever sent to this member.
    case noCode = "no_code"
}
