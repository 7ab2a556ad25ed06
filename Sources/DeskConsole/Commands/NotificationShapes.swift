import DeskDatabase
import SupportClient

/// How notifications, disputes and recipients appear in `show` and `disable-2fa`: each column
/// named once, for JSON, CSV and the tables alike.
extension CommandRunner {
    /// A recipient of an event's notifications, as the disable reports it.
    static let recipientShape = RecordShape<NotifiedRecipient>([
        .text("recipient") { $0.recipient },
        .name("audience") { $0.audience },
    ])

    /// One notification about a member (never its text).
    static let notificationShape = RecordShape<MemberNotification>([
        .integer("event") { $0.eventID },
        .name("kind") { $0.kind },
        .text("recipient") { $0.recipient },
        .name("audience") { $0.audience },
        .name("state") { $0.state },
        .integer("attempts") { Int64($0.attempts) },
        .time("created_at") { $0.createdAt },
        .time("sent_at") { $0.sentAt },
    ])

    /// One suspended credential and what became of it.
    static let suspensionShape = RecordShape<Suspension>([
        .integer("event") { $0.eventID },
        .time("suspended_at") { $0.suspendedAt },
        .time("dispute_until") { $0.disputeUntil },
        .name("state") { $0.state },
        .time("ended_at") { $0.endedAt },
    ])

    /// The notifications table of `show`.
    func notificationTable(_ notifications: [MemberNotification]) -> HumanBlock {
        .table(headers: ["event", "time", "kind", "to", "as", "delivery"],
               rows: notifications.map { n in
                   [String(n.eventID), times.absolute(n.createdAt), n.kind.rawValue, n.recipient, n.audience.rawValue,
                    n.state == .pending && n.attempts > 0 ? "pending (\(n.attempts) tries)" : n.state.rawValue]
               },
               footer: notifications.count == 1 ? "(1 notification)" : "(\(notifications.count) notifications)")
    }

    /// The disputes table of `show`: each suspension, and whether the member can still undo it.
    func suspensionTable(_ suspensions: [Suspension]) -> HumanBlock {
        .table(headers: ["disable event", "suspended", "state"],
               rows: suspensions.map { s in
                   let state: String = switch s.state {
                   case .kept: "can be disputed until \(times.deadline(s.disputeUntil))"
                   case .disputed: "DISPUTED by the member" + (s.endedAt.map { " at \(times.absolute($0))" } ?? "")
                   case .expired: "window passed; credential deleted"
                   case .superseded: "ended by a later dispute"
                   }
                   return [s.eventID.map { "#\($0)" } ?? "", times.absolute(s.suspendedAt), state]
               },
               footer: suspensions.count == 1 ? "(1 suspension)" : "(\(suspensions.count) suspensions)")
    }
}
