import Foundation
public import PGClient

/// Delivers the notification outbox through a sendmail-compatible command (`portal notify`).
///
/// Each notification is claimed, sent and marked in a transaction of its own, holding the row
/// lock while sendmail runs (see migration 0033): several workers share the outbox without
/// sending one mail twice, and a worker killed between sending and marking leaves its row
/// pending, so it is sent again (once, with the same Message-ID), never lost.
public struct NotificationWorker {
    /// A connection as a member of `notifier` (or a superuser).
    public let connection: PGConnection
    /// The command each message is piped to.
    public let sendmail: SendmailCommand
    /// The From field; nil means `SupportDesk <notifications@DOMAIN>`, DOMAIN being the
    /// Message-ID's (the deployment's `message_id_domain` setting).
    public let from: String?
    /// The most notifications one round delivers before the caller looks for news again.
    public let batchSize: Int

    /// A worker on `connection`; nothing happens until `prepare` and `deliverDue`.
    public init(connection: PGConnection, sendmail: SendmailCommand, from: String? = nil, batchSize: Int = 100) {
        self.connection = connection
        self.sendmail = sendmail
        self.from = from
        self.batchSize = max(1, batchSize)
    }

    /// Subscribes to new-notification announcements and lets the server end this session if it
    /// ever sits in a transaction well past the send timeout (a hung worker then frees its row).
    public func prepare() throws {
        let limit = Int((sendmail.timeout + 30) * 1000)
        try connection.query("SET idle_in_transaction_session_timeout = \(limit)")
        try connection.query("LISTEN \(NotificationOutbox.channel)")
    }

    /// Sleeps until a notification is announced or `timeout` seconds pass; true when one was.
    @discardableResult
    public func waitForAnnouncement(timeout: Double) throws -> Bool {
        !(try connection.waitForNotifications(timeout: timeout)).isEmpty
    }

    /// Delivers due notifications, one transaction each, until none is due or `batchSize` were
    /// tried.
    public func deliverDue() throws -> DeliveryTally {
        var tally = DeliveryTally()
        while tally.tried < batchSize, let outcome = try deliverOne() {
            switch outcome {
            case .sent: tally.sent += 1
            case .pending: tally.retrying += 1
            case .failed: tally.failed += 1
            }
        }
        return tally
    }

    /// Delivers everything due now, in rounds of `batchSize`.
    public func deliverAllDue() throws -> DeliveryTally {
        var total = DeliveryTally()
        while true {
            let round = try deliverDue()
            total = total + round
            if round.tried < batchSize { return total }
        }
    }

    /// Claims one due notification, hands it to sendmail and records the outcome, in one
    /// transaction; nil when none was due.
    func deliverOne() throws -> NotificationState? {
        let outbox = NotificationOutbox(connection: connection)
        return try connection.transaction { _ -> NotificationState? in
            guard let due = try outbox.claim() else { return nil }
            let message: MailMessage
            do {
                message = try MailMessage(from: from ?? Self.defaultFrom(messageID: due.messageID), to: due.recipient,
                                          subject: due.subject, body: due.body, messageID: due.messageID, date: Date())
            } catch {
                return try outbox.markFailed(due.id, error: "not sent: \(error)", permanent: true)
            }
            do {
                try sendmail.send(message)
            } catch {
                return try outbox.markFailed(due.id, error: "\(error)")
            }
            try outbox.markSent(due.id)
            return .sent
        }
    }

    /// `SupportDesk <notifications@DOMAIN>` for the domain of a Message-ID.
    static func defaultFrom(messageID: String) -> String {
        let domain = messageID.split(separator: "@").last.map { String($0.dropLast()) } ?? "localhost"
        return "SupportDesk <notifications@\(domain)>"
    }
}
