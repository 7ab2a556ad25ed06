import CLibPQ

extension PGConnection {
    /// Runs one statement with its parameters bound separately (`$1`, `$2`, …) and returns
    /// every row. Parameters never become part of the SQL text, so no value can change what the
    /// statement does; a `nil` parameter is SQL NULL.
    ///
    /// Only a single statement is accepted (the extended query protocol's rule), so a stray
    /// `; DROP …` is a syntax error, never a second statement.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PGEncodable)?] = []) throws(PGError) -> PGResult {
        let connection = try liveHandle()
        let buffer = try Self.statement(sql, parameters)
        let result = buffer.withCArrays { count, types, values, lengths, formats in
            PQexecParams(connection, sql, count, types, values, lengths, formats, 1)
        }
        return try consume(result, on: connection)
    }

    /// Runs one statement as `query` does, then hands each row of the result to `body` through
    /// a reader (valid only inside the call) instead of copying every value out first: for a
    /// caller that turns rows into its own types at once. Returns how many rows there were.
    @discardableResult
    public func forEachResultRow(
        _ sql: String, _ parameters: [(any PGEncodable)?] = [], _ body: (PGRowReader) throws -> Void
    ) throws -> Int {
        let connection = try liveHandle()
        let buffer = try Self.statement(sql, parameters)
        let result = buffer.withCArrays { count, types, values, lengths, formats in
            PQexecParams(connection, sql, count, types, values, lengths, formats, 1)
        }
        guard let result else { throw failure(on: connection, result: nil) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            break
        default:
            throw failure(on: connection, result: result)
        }
        _ = noticeBuffer.drain()
        let reader = PGRowReader()
        defer { reader.result = nil }
        let rows = PQntuples(result)
        for row in 0..<rows {
            reader.start(result, row: row)
            try body(reader)
        }
        return Int(rows)
    }

    /// Runs trusted SQL text that may hold several statements, such as a migration file, in
    /// one round trip (the simple query protocol). It takes no parameters: never pass it text
    /// that contains input.
    public func executeScript(_ sql: String) throws(PGError) {
        let connection = try liveHandle()
        try Self.checkText(sql)
        guard PQsendQuery(connection, sql) == 1 else { throw failure(on: connection, result: nil) }
        var firstError: PGError?
        while let result = PQgetResult(connection) {
            // A script's rows come back as text, not in the binary form consume decodes; they are
            // not wanted (nothing is returned), only whether each statement succeeded.
            if PQresultStatus(result) == PGRES_TUPLES_OK {
                PQclear(result)
                continue
            }
            do { _ = try consume(result, on: connection) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
        if PQstatus(connection) != CONNECTION_OK { throw failure(on: connection, result: nil) }
    }

    /// Checks the SQL text and encodes the parameters, so nothing is sent unless all of it can be.
    static func statement(_ sql: String, _ parameters: [(any PGEncodable)?]) throws(PGError) -> ParameterBuffer {
        try checkText(sql)
        return ParameterBuffer(try parameters.map { parameter throws(PGError) in try parameter?.pgParameter })
    }

    /// libpq reads SQL as a C string: a NUL would silently cut the statement short.
    static func checkText(_ sql: String) throws(PGError) {
        guard !sql.utf8.contains(0) else {
            throw PGError(.invalidParameter, message: "the SQL text contains a NUL character")
        }
    }

    /// Turns a libpq result into a `PGResult` or a `PGError`, freeing it either way.
    func consume(_ result: OpaquePointer?, on connection: OpaquePointer) throws(PGError) -> PGResult {
        guard let result else { throw failure(on: connection, result: nil) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return try copyOut(result)
        default:
            throw failure(on: connection, result: result)
        }
    }

    /// The error for a failed call, marking it `.connectionLost` when the connection broke.
    ///
    /// `PQstatus` alone is not enough: when a server dies between statements, libpq can report
    /// "server closed the connection unexpectedly" for the next call while the status still
    /// reads OK. So the failed call itself is read too (`ConnectionLossSigns`).
    func failure(on connection: OpaquePointer, result: OpaquePointer?) -> PGError {
        let message = String(cString: PQerrorMessage(connection))
        let lost = PQstatus(connection) != CONNECTION_OK
            || ConnectionLossSigns.fromCall(result: result, notices: noticeBuffer.drain())
        guard let result, let state = errorField(result, .sqlState) else {
            return PGError(lost ? .connectionLost : .server, message: message)
        }
        return PGError(
            lost ? .connectionLost : .server, sqlState: SQLState(rawValue: state),
            message: errorField(result, .message) ?? message,
            detail: errorField(result, .detail), hint: errorField(result, .hint),
            constraintName: errorField(result, .constraint))
    }

    private func copyOut(_ result: OpaquePointer) throws(PGError) -> PGResult {
        let columns = Self.columns(of: result)
        let rowCount = Int(PQntuples(result))
        var rows: [PGRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            rows.append(try Self.row(row, of: result, columns: columns))
        }
        return PGResult(
            columns: columns, rows: rows, commandTag: String(cString: PQcmdStatus(result)),
            affectedRows: Int(String(cString: PQcmdTuples(result))), notices: noticeBuffer.drain())
    }

    static func columns(of result: OpaquePointer) -> [PGColumn] {
        (0..<PQnfields(result)).map { index in
            PGColumn(name: String(cString: PQfname(result, index)), typeOID: PQftype(result, index))
        }
    }

    static func row(_ row: Int32, of result: OpaquePointer, columns: [PGColumn]) throws(PGError) -> PGRow {
        var values: [PGValue] = []
        values.reserveCapacity(columns.count)
        for (index, column) in columns.enumerated() {
            let field = Int32(index)
            if PQgetisnull(result, row, field) == 1 {
                values.append(.null)
                continue
            }
            let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, field), count: Int(PQgetlength(result, row, field)))
            values.append(try PGValue.decodeBinary(typeOID: column.typeOID, bytes: bytes))
        }
        return PGRow(values: values, columns: columns)
    }
}
