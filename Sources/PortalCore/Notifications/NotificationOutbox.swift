import Foundation
public import PGClient

/// The worker's calls of the outbox functions (migration 0033), as a member of `notifier`.
/// A claim is a row lock: claim, mark and commit in one transaction, one notification each.
public struct NotificationOutbox {
    /// A connection as a member of `notifier` (or a superuser).
    public let connection: PGConnection

    /// Wraps a connection.
    public init(connection: PGConnection) {
        self.connection = connection
    }

    /// The channel `portal.enqueue_notification` announces each new notification on, at commit.
    public static let channel = "supportdesk_notification"

    /// The oldest due pending notification, locked until the open transaction ends; nil when
    /// none is due or every due one is held by another worker.
    public func claim() throws -> DueNotification? {
        let rows = try connection.query(
            "SELECT id, recipient, subject, body, message_id, attempts FROM portal.claim_notification()").rows
        guard let row = rows.first else { return nil }
        return DueNotification(
            id: try row.decode(Int64.self, at: 0), recipient: try row.decode(String.self, at: 1),
            subject: try row.decode(String.self, at: 2), body: try row.decode(String.self, at: 3),
            messageID: try row.decode(String.self, at: 4), attempts: try row.decode(Int.self, at: 5))
    }

    /// Records that the claimed notification was handed to the mail system.
    public func markSent(_ id: Int64) throws {
        _ = try connection.query("SELECT portal.notification_sent($1::bigint)", [id])
    }

    /// Records a failed try; returns the state the notification is now in (still pending for a
    /// retry after the back-off, or failed).
    @discardableResult
    public func markFailed(_ id: Int64, error: String, permanent: Bool = false) throws -> NotificationState {
        let text = try connection.query("SELECT state FROM portal.notification_failed($1::bigint, $2, $3::boolean)",
                                        [id, error, permanent]).single().decode(String.self, at: 0)
        guard let state = NotificationState(rawValue: text) else {
            throw PGError(.decoding, message: "portal.notification_failed returned an unknown state \(text)")
        }
        return state
    }
}
