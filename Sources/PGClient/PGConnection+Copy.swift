import CLibPQ

/// Feeds rows to a running `COPY … FROM STDIN` in PostgreSQL's text format.
///
/// Rows are buffered and sent in large chunks, so loading a million rows costs a few hundred
/// round trips, not a million.
public struct PGCopyWriter: ~Copyable {
    private let connection: OpaquePointer
    private var buffer: [UInt8] = []
    private(set) var rowsWritten = 0
    static let flushThreshold = 256 * 1024

    init(connection: OpaquePointer) {
        self.connection = connection
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Appends one row; nil is NULL. Tabs, newlines and backslashes are escaped, so any text
    /// arrives exactly as given.
    public mutating func append(_ row: [String?]) throws(PGError) {
        for (index, cell) in row.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let cell else {
                buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                continue
            }
            for byte in cell.utf8 {
                switch byte {
                case 0:
                    throw PGError(.invalidParameter, message: "row \(rowsWritten + 1): text contains a NUL character")
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        rowsWritten += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    mutating func flush() throws(PGError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw PGError(.connectionLost, message: "COPY data could not be sent: \(String(cString: PQerrorMessage(connection)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension PGConnection {
    /// Runs a `COPY table (columns) FROM STDIN` statement and streams rows into it from `produce`.
    ///
    /// If `produce` throws, the COPY is aborted so that no partial data is committed, and the
    /// error is rethrown. Returns the number of rows the server loaded.
    @discardableResult
    public func copyFromStdin(_ copyStatement: String, _ produce: (inout PGCopyWriter) throws -> Void) throws -> Int {
        let connection = try liveHandle()
        let start = try startCopy(copyStatement, on: connection)
        PQclear(start)
        var writer = PGCopyWriter(connection: connection)
        do {
            try produce(&writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(connection, "aborted by the client")
            drainResults(connection)
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else {
            throw PGError(.connectionLost, message: String(cString: PQerrorMessage(connection)))
        }
        let result = try consume(PQgetResult(connection), on: connection)
        drainResults(connection)
        return result.affectedRows ?? writer.rowsWritten
    }

    /// Loads a whole sequence of rows through COPY; see `copyFromStdin(_:_:)`.
    @discardableResult
    public func copyFromStdin<Rows: Sequence<[String?]>>(_ copyStatement: String, rows: Rows) throws -> Int {
        try copyFromStdin(copyStatement) { writer in
            for row in rows { try writer.append(row) }
        }
    }

    private func startCopy(_ statement: String, on connection: OpaquePointer) throws(PGError) -> OpaquePointer {
        guard let result = PQexec(connection, statement) else { throw failure(on: connection, result: nil) }
        guard PQresultStatus(result) == PGRES_COPY_IN else {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_FATAL_ERROR { throw failure(on: connection, result: result) }
            drainResults(connection)
            throw PGError(.copyFailed, message: "not a COPY … FROM STDIN statement")
        }
        return result
    }

    /// Reads and frees whatever results are left, so the connection is ready for the next call.
    func drainResults(_ connection: OpaquePointer) {
        while let result = PQgetResult(connection) { PQclear(result) }
    }
}
