/// Where a notification is in its delivery, exactly the values of the domain
/// `portal.notification_state` (a test holds the two equal), so the worker and anything that
/// shows notifications branch on a type, not on strings.
public enum NotificationState: String, Sendable, CaseIterable, Equatable {
    /// Waiting: its first try, or a retry at `next_attempt_at`.
    case pending
    /// Handed to the mail system (sendmail exited 0).
    case sent
    /// Given up after the last try the settings allow; the error stays in `last_error`.
    case failed
}
