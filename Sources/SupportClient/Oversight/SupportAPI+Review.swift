import DeskDatabase
import Foundation
import PGClient

/// The review queue and its sign-off (supervisors). The database computes every flag and
/// enforces who may sign what; this only spells the calls and decodes the rows.
extension SupportAPI {
    /// The queue: pending items riskiest first, or with `filter.all` every item newest first.
    public func reviewQueue(_ filter: ReviewFilter) throws -> [ReviewItem] {
        try connection.query(
            "SELECT * FROM support.review_queue($1::boolean, $2::timestamptz, $3::timestamptz, $4, $5, $6::int)",
            [filter.all, filter.since, filter.until, filter.agent, filter.account, filter.limit]
        ).rows.map(Self.reviewItem)
    }

    /// Signs an item off; returns the chained review event.
    public func review(item: Int64, verdict: ReviewVerdict, note: String?) throws -> AuditEvent {
        try Self.event(try connection.query(
            "SELECT * FROM support.review_item($1::bigint, $2, $3)", [item, verdict.rawValue, note]).single())
    }

    /// The flags the database computes, by name and weight: a test holds `ReviewFlag` equal to it.
    public func reviewFlagKinds() throws -> [(name: String, weight: Int, meaning: String)] {
        try connection.query("SELECT flag, weight, meaning FROM support.review_flag_kinds()").rows.map {
            (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1), try $0.decode(String.self, at: 2))
        }
    }

    static func reviewItem(_ row: PGRow) throws -> ReviewItem {
        let flagsJSON = try row.decode(String.self, column: "flags")
        let flags: [ReviewFlagNote]
        do {
            flags = try JSONDecoder().decode([ReviewFlagNote].self, from: Data(flagsJSON.utf8))
        } catch {
            throw PGError(.decoding, message: "unknown review flags \(flagsJSON) (is the database's schema newer than this console?)")
        }
        var signOff: ReviewSignOff?
        if let verdict: ReviewVerdict = try optionalShape(row, "verdict") {
            signOff = ReviewSignOff(
                verdict: verdict,
                reviewer: try row.decode(String.self, column: "reviewer"),
                note: try row.decode(String?.self, column: "note"),
                reviewedAt: try row.decode(PGTimestamp.self, column: "reviewed_at"),
                eventSeq: try row.decode(Int64.self, column: "review_event"))
        }
        return ReviewItem(
            item: try row.decode(Int64.self, column: "item"),
            occurredAt: try row.decode(PGTimestamp.self, column: "occurred_at"),
            actor: try row.decode(String.self, column: "actor"),
            action: try shape(row, "action"),
            target: try row.decode(String.self, column: "target"),
            accountNumber: try row.decode(String?.self, column: "account_number"),
            reason: try row.decode(String?.self, column: "reason"),
            ticket: try row.decode(String?.self, column: "ticket"),
            approvedBy: try row.decode(String?.self, column: "approved_by"),
            score: try row.decode(Int.self, column: "score"),
            flags: flags,
            signOff: signOff)
    }
}
