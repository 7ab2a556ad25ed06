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

/// The row a stream (or a result) is at, read where libpq holds it: nothing is copied until a
/// value is asked for, which is what a reader of hundreds of thousands of rows wants. One reader
/// serves every row, and only inside the callback that hands it over: reading it afterwards
/// stops the program (it never reads freed memory).
public final class PGRowReader {
    var result: OpaquePointer?
    var rowIndex: Int32 = 0
    /// The columns, in order.
    public private(set) var columns: [PGColumn] = []
    private var cells: [UnsafeRawBufferPointer?] = []

    init() {}

    /// The position of the first column with this name.
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// True when the value at `column` is NULL.
    public func isNull(_ column: Int) -> Bool {
        PQgetisnull(current(column), rowIndex, Int32(column)) == 1
    }

    /// The value at `column` in PostgreSQL's binary format (empty for NULL), lent to `body`.
    public func withBytes<R, E: Error>(_ column: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result = current(column)
        let field = Int32(column)
        return try body(UnsafeRawBufferPointer(start: PQgetvalue(result, rowIndex, field), count: Int(PQgetlength(result, rowIndex, field))))
    }

    /// Every value of the row in PostgreSQL's binary format (nil for NULL), in column order,
    /// lent to `body` at once: the cheapest way to read many columns of many rows.
    ///
    /// The cells are written through one buffer pointer per row: written one element at a time,
    /// the array (a class's property) was checked for exclusive access at every column, a tenth
    /// of `log verify`'s instructions. libpq reports a NULL as length 0, so only an empty value
    /// is asked whether it is NULL: one call into libpq fewer for nearly every cell.
    public func withCells<R, E: Error>(_ body: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(E) -> R) throws(E) -> R {
        guard let result else { preconditionFailure("a PGRowReader is read only inside the call that hands it over") }
        let row = rowIndex
        cells.withUnsafeMutableBufferPointer { cells in
            for column in cells.indices {
                let field = Int32(column)
                let length = Int(PQgetlength(result, row, field))
                cells[column] = length == 0 && PQgetisnull(result, row, field) == 1
                    ? nil : UnsafeRawBufferPointer(start: PQgetvalue(result, row, field), count: length)
            }
        }
        return try cells.withUnsafeBufferPointer { cells throws(E) in try body(cells) }
    }

    /// The value at `column` decoded, as `PGRow` would hold it.
    public func value(_ column: Int) throws(PGError) -> PGValue {
        if isNull(column) { return .null }
        let oid = columns[column].typeOID
        return try withBytes(column) { bytes throws(PGError) in try PGValue.decodeBinary(typeOID: oid, bytes: bytes) }
    }

    /// The value at `column` as `type`, or a decoding error naming the column. (Inlinable, so
    /// callers get it specialised for each type.)
    @inlinable
    public func decode<T: PGDecodable>(_ type: T.Type, at column: Int) throws(PGError) -> T {
        let value = try value(column)
        guard let decoded = T.decode(value) else {
            throw PGError(.decoding, message: "column \"\(columns[column].name)\" (type \(columns[column].typeOID), value \(value)) is not a \(T.self)")
        }
        return decoded
    }

    /// The whole row, copied out.
    public func row() throws(PGError) -> PGRow {
        guard let result else { preconditionFailure("a PGRowReader is read only inside the call that hands it over") }
        return try PGConnection.row(rowIndex, of: result, columns: columns)
    }

    private func current(_ column: Int) -> OpaquePointer {
        guard let result else { preconditionFailure("a PGRowReader is read only inside the call that hands it over") }
        precondition(columns.indices.contains(column), "no column \(column); the row has \(columns.count)")
        return result
    }

    func start(_ result: OpaquePointer, row: Int32 = 0) {
        if columns.isEmpty {
            columns = PGConnection.columns(of: result)
            cells = Array(repeating: nil, count: columns.count)
        }
        self.result = result
        rowIndex = row
    }
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
        try forEachRowInPlace(sql, parameters) { reader in try body(try reader.row()) }
    }

    /// `forEachRow` without copying rows out: `body` reads each row through the reader, which
    /// is valid only during the call. The same guarantees on errors and cancelling.
    @discardableResult
    public func forEachRowInPlace(
        _ sql: String, _ parameters: [(any PGEncodable)?] = [], _ body: (PGRowReader) throws -> Void
    ) throws -> PGStreamSummary {
        let connection = try liveHandle()
        let buffer = try Self.statement(sql, parameters)
        let sent = buffer.withCArrays { count, types, values, lengths, formats in
            PQsendQueryParams(connection, sql, count, types, values, lengths, formats, 1)
        }
        guard sent == 1 else { throw failure(on: connection, result: nil) }
        PQsetSingleRowMode(connection)

        let reader = PGRowReader()
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
                reader.start(result)
                defer { reader.result = nil }
                columns = reader.columns
                do {
                    try body(reader)
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
