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

    /// Streams every chain link after `afterSeq` (at most `limit`), in order, one row in memory at a time.
    public func forEachChainLink(after afterSeq: Int64 = 0, limit: Int? = nil, _ body: (AuditChainLink) throws -> Void) throws {
        try streamChain(after: afterSeq, limit: limit) { reader, columns in
            let row = try reader.withCells { cells throws(PGError) in try AuditChainRow(cells, columns) }
            func text(_ index: Int) throws(PGError) -> String? { try reader.decode(String?.self, at: columns.text(index)) }
            func required(_ index: Int) throws(PGError) -> String { try reader.decode(String.self, at: columns.text(index)) }
            try body(AuditChainLink(
                seq: row.seq, prevHash: try reader.decode([UInt8].self, at: columns.prevHash),
                hash: try reader.decode([UInt8].self, at: columns.hash), occurredAtMicroseconds: row.occurredAtMicroseconds,
                actor: try required(0), action: try required(1), target: try required(2),
                reason: try text(3), ticket: try text(4), version: row.version, eventID: row.eventID,
                accountNumber: try text(5), customerID: row.customerID, memberID: row.memberID,
                requestID: try reader.decode(UUID?.self, at: columns.requestID)))
        }
    }

    /// Checks every chain link after `afterSeq` with `verifier` as the rows stream in, each read
    /// where it arrived (no copy of the row is made): what `log verify` runs on a log of
    /// hundreds of thousands of events. Throws the first `AuditChainProblem` (the stream is
    /// stopped there); call `verifier.finish()` afterwards.
    ///
    /// The whole chain (`afterSeq` 0, what `log verify` reads) comes by COPY of
    /// `support.audit_chain_rows`, the cheapest stream PostgreSQL has; a later part by the cursor.
    public func verifyChain(_ verifier: inout AuditChainVerifier, after afterSeq: Int64 = 0) throws {
        var encoder = AuditEncoder()
        guard afterSeq == 0 else {
            return try streamChain(after: afterSeq) { reader, columns in
                try reader.withCells { cells in
                    try verifier.check(entry: try AuditChainRow(cells, columns), encoder: &encoder)
                }
            }
        }
        // COPY names no columns or types: the same select list, described once, does.
        let columns = try AuditChainColumns(connection.query("SELECT \(Self.chainColumns) FROM support.audit_chain_rows LIMIT 0").columns)
        try connection.forEachBinaryCopyRow(
            "COPY (SELECT \(Self.chainColumns) FROM support.audit_chain_rows ORDER BY seq) TO STDOUT (FORMAT binary)") { cells in
            try verifier.check(entry: try AuditChainRow(cells, columns), encoder: &encoder)
        }
    }

    /// The chain's columns as `log verify` copies them, in one order for the description and the COPY.
    static let chainColumns = "seq, prev_hash, hash, occurred_at_us, actor, action, target, reason, ticket, version, "
        + "event_id, account_number, customer_id, member_id, request_id"

    /// The chain from a cursor (`support.open_audit_chain`) fetched in one transaction, so the
    /// server sends rows as it reads them instead of collecting the whole log first; the whole
    /// chain is fetched in pipelined batches (`forEachCursorRow`), so the server reads the next
    /// batch while this one is hashed, and no row costs a result object of its own; a limited
    /// read (`log follow`'s next events) is one FETCH.
    private func streamChain(after afterSeq: Int64, limit: Int? = nil, _ body: (PGRowReader, AuditChainColumns) throws -> Void) throws {
        try connection.transaction { connection in
            let cursor = try connection.query("SELECT support.open_audit_chain($1::bigint)::text", [afterSeq])
                .single().decode(String.self, at: 0)
            var columns: AuditChainColumns?
            func each(_ reader: PGRowReader) throws {
                let known = try columns ?? AuditChainColumns(reader)
                columns = known
                try body(reader, known)
            }
            if let limit {
                try connection.forEachRowInPlace("FETCH \(max(limit, 1)) FROM \(try connection.quoteIdentifier(cursor))", [], each)
            } else {
                try connection.forEachCursorRow(cursor, each)
            }
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
