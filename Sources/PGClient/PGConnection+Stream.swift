import CLibPQ

/// What a streamed statement reported once its last row had been handed over.
public struct PGStreamSummary: Sendable {
    /// The columns, in order (known even when there were no rows).
    public let columns: [PGColumn]
    /// How many rows were handed to the caller.
    public let rowCount: Int
    /// The command tag, e.g. `SELECT 100000`.
    public let commandTag: String
    /// NOTICE and WARNING messages the server sent.
    public let notices: [PGNotice]
}

extension PGConnection {
    /// Runs one statement and hands each row to `body` as it arrives (libpq's single-row mode),
    /// so a result of any size — a whole audit log to verify, say — needs memory for one row.
    ///
    /// If `body` throws, the statement is cancelled on the server, what was already sent is
    /// discarded, and the error is rethrown; the connection stays usable. If the server fails
    /// part-way, the rows before the failure have been delivered and the `PGError` is thrown.
    @discardableResult
    public func forEachRow(
        _ sql: String, _ parameters: [(any PGEncodable)?] = [], _ body: (PGRow) throws -> Void
    ) throws -> PGStreamSummary {
        let connection = try liveHandle()
        let buffer = try Self.statement(sql, parameters)
        let sent = buffer.withCArrays { count, types, values, lengths, formats in
            PQsendQueryParams(connection, sql, count, types, values, lengths, formats, 1)
        }
        guard sent == 1 else { throw failure(on: connection, result: nil) }
        PQsetSingleRowMode(connection)

        var columns: [PGColumn]?
        var rowCount = 0
        var commandTag = ""
        var callerError: (any Error)?
        var serverError: PGError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                guard callerError == nil, serverError == nil else { continue }
                let rowColumns = columns ?? Self.columns(of: result)
                columns = rowColumns
                do {
                    try body(try Self.row(0, of: result, columns: rowColumns))
                    rowCount += 1
                } catch {
                    callerError = error
                    // Stop the server producing rows nobody will read; the rest are drained below.
                    try? makeCancelToken().cancel()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                if columns == nil { columns = Self.columns(of: result) }
                commandTag = String(cString: PQcmdStatus(result))
            default:
                if serverError == nil { serverError = failure(on: connection, result: result) }
            }
        }
        if let callerError { throw callerError }
        if let serverError { throw serverError }
        return PGStreamSummary(
            columns: columns ?? [], rowCount: rowCount, commandTag: commandTag, notices: noticeBuffer.drain())
    }
}
