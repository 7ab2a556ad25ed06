public import DeskDatabase
import PGClient

/// Notifications, disputes and the second channel (issue 12): the agent's side of them. Every
/// rule is the database's; these spell the calls and decode the rows.
extension SupportAPI {
    /// Who an event of this agent's (any, for a supervisor) was notified to, in the order written.
    public func recipients(ofEvent eventID: Int64) throws -> [NotifiedRecipient] {
        try connection.query("SELECT recipient, audience FROM support.event_recipients($1::bigint)", [eventID]).rows.map { row in
            NotifiedRecipient(recipient: try row.decode(String.self, column: "recipient"), audience: try Self.shape(row, "audience"))
        }
    }

    /// Mails the member a 6-digit code for the second channel; the code never reaches the agent.
    public func sendEmailCode(memberID: Int64) throws -> EmailCodeSent {
        let row = try connection.query("SELECT recipient, expires_at FROM support.send_email_code($1::bigint)", [memberID]).single()
        return EmailCodeSent(recipient: try row.decode(String.self, column: "recipient"),
                             expiresAt: try row.decode(PGTimestamp.self, column: "expires_at"))
    }

    /// Presents the code the caller read from the mail. Two round trips, as `verify`: the
    /// attempt is recorded and committed first, and only then judged, so no guess goes unrecorded.
    public func presentEmailCode(memberID: Int64, code: String) throws -> EmailCodeOutcome {
        let check = try recordedID(connection.query("SELECT support.present_email_code($1::bigint, $2)", [memberID, code]))
        return try Self.shape(named: try connection.query("SELECT support.email_code_outcome($1::bigint)", [check])
            .single().decode(String.self, at: 0), in: "email code outcome")
    }

    /// Whose disable needs the emailed code too.
    public func secondChannelPolicy() throws -> SecondChannelPolicy {
        try Self.shape(named: try connection.query("SELECT support.second_channel_policy()").single().decode(String.self, at: 0),
                       in: "second_channel_for")
    }

    /// The looked-at member's latest notifications, newest first (part of the same recorded look-up).
    func notifications(lookup: Int64) throws -> [MemberNotification] {
        try connection.query("SELECT * FROM support.user_notifications($1::bigint)", [lookup]).rows.map { row in
            MemberNotification(
                eventID: try row.decode(Int64.self, column: "event_id"),
                kind: try Self.shape(row, "kind"),
                recipient: try row.decode(String.self, column: "recipient"),
                audience: try Self.shape(row, "audience"),
                state: try Self.shape(row, "state"),
                attempts: try row.decode(Int.self, column: "attempts"),
                createdAt: try row.decode(PGTimestamp.self, column: "created_at"),
                sentAt: try row.decode(PGTimestamp?.self, column: "sent_at"))
        }
    }

    /// The looked-at member's suspended credentials and disputes, newest first.
    func suspensions(lookup: Int64) throws -> [Suspension] {
        try connection.query("SELECT * FROM support.user_disputes($1::bigint)", [lookup]).rows.map { row in
            Suspension(
                eventID: try row.decode(Int64?.self, column: "event_id"),
                suspendedAt: try row.decode(PGTimestamp.self, column: "suspended_at"),
                disputeUntil: try row.decode(PGTimestamp.self, column: "dispute_until"),
                state: try Self.shape(row, "state"),
                endedAt: try row.decode(PGTimestamp?.self, column: "ended_at"))
        }
    }
}
