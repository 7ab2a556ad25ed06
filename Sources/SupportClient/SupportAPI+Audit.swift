import DeskDatabase
import Foundation
import PGClient

/// The audit log and its chain, for supervisors.
extension SupportAPI {
    /// The audit log, filtered, newest first (supervisors).
    public func auditLog(_ filter: AuditLogFilter) throws -> [AuditEvent] {
        try connection.query(Self.auditLogQuery, Self.parameters(filter)).rows.map(Self.event)
    }

    private static let auditLogQuery =
        "SELECT * FROM support.audit_log($1::timestamptz, $2::timestamptz, $3, $4, $5, $6, $7::bigint, $8::int)"

    private static func parameters(_ filter: AuditLogFilter) -> [(any PGEncodable)?] {
        [filter.since, filter.until, filter.agent, filter.account, filter.email, filter.action?.rawValue, filter.beforeSeq, filter.limit]
    }

    /// The same page handed to `body` one event at a time as rows arrive, so a page of any
    /// size needs memory for one event.
    public func forEachAuditEvent(_ filter: AuditLogFilter, _ body: (AuditEvent) throws -> Void) throws {
        try connection.forEachRow(Self.auditLogQuery, Self.parameters(filter)) { row in try body(try Self.event(row)) }
    }

    /// Streams every chain link after `afterSeq`, in order, one row in memory at a time.
    public func forEachChainLink(after afterSeq: Int64 = 0, _ body: (AuditChainLink) throws -> Void) throws {
        try connection.forEachRow("SELECT * FROM support.audit_chain($1::bigint)", [afterSeq]) { row in
            try body(AuditChainLink(
                seq: try row.decode(Int64.self, column: "seq"),
                prevHash: try row.decode([UInt8].self, column: "prev_hash"),
                hash: try row.decode([UInt8].self, column: "hash"),
                occurredAtMicroseconds: try row.decode(Int64.self, column: "occurred_at_us"),
                actor: try row.decode(String.self, column: "actor"),
                action: try row.decode(String.self, column: "action"),
                target: try row.decode(String.self, column: "target"),
                reason: try row.decode(String?.self, column: "reason"),
                ticket: try row.decode(String?.self, column: "ticket"),
                version: try row.decode(Int32.self, column: "version"),
                eventID: try row.decode(Int64?.self, column: "event_id"),
                accountNumber: try row.decode(String?.self, column: "account_number"),
                customerID: try row.decode(Int64?.self, column: "customer_id"),
                memberID: try row.decode(Int64?.self, column: "member_id"),
                requestID: try row.decode(UUID?.self, column: "request_id")))
        }
    }

    /// The chain head as the database holds it (supervisors).
    public func chainHead() throws -> AuditAnchor { try chainState().head }

    /// The head and, read with it, how many events are staged and not chained yet: what a
    /// verification from this head cannot vouch for.
    public func chainState() throws -> (head: AuditAnchor, staged: Int) {
        let row = try connection.query("SELECT seq, hash, staged FROM support.audit_head()").single()
        return (AuditAnchor(seq: try row.decode(Int64.self, column: "seq"), hash: try row.decode([UInt8].self, column: "hash")),
                try row.decode(Int.self, column: "staged"))
    }
}
