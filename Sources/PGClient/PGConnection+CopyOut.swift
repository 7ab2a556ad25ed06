import CLibPQ

extension PGConnection {
    /// Runs a `COPY (…) TO STDOUT (FORMAT binary)` statement and lends each row's values (nil for
    /// NULL, in PostgreSQL's binary format, in the query's column order) to `body` as the rows
    /// arrive, one at a time, read where libpq put them.
    ///
    /// Why COPY: it is the cheapest way PostgreSQL sends many rows. A cursor's FETCH is a utility
    /// statement, so the server copies every row into a store of its own before sending it, which
    /// costs the server about a third more than COPY of the same rows (`log verify`, issue 10);
    /// COPY streams each row as it is read, and memory holds one row. COPY describes no columns:
    /// the caller knows their order and types (ask with the same select list and `LIMIT 0`).
    /// Returns the number of rows.
    @discardableResult
    public func forEachBinaryCopyRow(_ copyStatement: String,
                                     _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws -> Void) throws -> Int {
        let connection = try liveHandle()
        guard let start = PQexec(connection, copyStatement) else { throw failure(on: connection, result: nil) }
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            defer { PQclear(start) }
            if PQresultStatus(start) == PGRES_FATAL_ERROR { throw failure(on: connection, result: start) }
            drainResults(connection)
            throw PGError(.copyFailed, message: "not a COPY … TO STDOUT statement")
        }
        PQclear(start)

        var parser = BinaryCopyParser()
        var rows = 0
        var stopped: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(connection, &buffer, 0)
            if count == -1 { break }    // the end; the COPY's own result follows
            guard count > 0, let buffer else {
                // -2: the connection failed; libpq says why, and the result (if any) tells more.
                let error = failure(on: connection, result: PQgetResult(connection))
                drainResults(connection)
                throw error
            }
            defer { PQfreemem(buffer) }
            guard stopped == nil else { continue }   // read to the end, so the connection stays usable
            do {
                try parser.rows(in: UnsafeRawBufferPointer(start: buffer, count: Int(count))) { cells in
                    rows += 1
                    try body(cells)
                }
            } catch {
                // Stop handing rows over; cancel the rest rather than read a long log for nothing.
                stopped = error
                try? makeCancelToken().cancel()
            }
        }
        let end = PQgetResult(connection)
        defer { drainResults(connection) }
        if let stopped {
            if let end { PQclear(end) }
            throw stopped
        }
        guard let end, PQresultStatus(end) == PGRES_COMMAND_OK else {
            let error = failure(on: connection, result: end)
            if let end { PQclear(end) }
            throw error
        }
        PQclear(end)
        return rows
    }
}

/// Reads PostgreSQL's binary COPY format as libpq hands it over, a message at a time: the header
/// (it arrives with the first row), then rows of a 16-bit field count and, for each field, a
/// 32-bit length (-1 for NULL) and the bytes, then a count of -1 at the end. Everything is
/// checked against the message's length, so a malformed stream is an error, never a bad read.
struct BinaryCopyParser {
    /// `PGCOPY\n\377\r\n\0`.
    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
    private var headerRead = false
    private var ended = false
    private var cells: [UnsafeRawBufferPointer?] = []

    /// Hands every row in `message` to `body`.
    mutating func rows(in message: UnsafeRawBufferPointer,
                       _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws -> Void) throws {
        var offset = 0
        func take(_ count: Int) throws(PGError) -> UnsafeRawBufferPointer {
            guard count >= 0, message.count - offset >= count else {
                throw PGError(.decoding, message: "a binary COPY message ends in the middle of a value")
            }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: message[offset..<offset + count])
        }
        func integer32() throws(PGError) -> Int32 { Int32(bigEndian: try take(4).loadUnaligned(as: Int32.self)) }

        if !headerRead {
            guard try take(Self.signature.count).elementsEqual(Self.signature) else {
                throw PGError(.decoding, message: "not PostgreSQL's binary COPY format")
            }
            _ = try integer32()                     // flags: no OIDs are asked for
            _ = try take(Int(try integer32()))      // the header extension, empty today
            headerRead = true
        }
        while offset < message.count {
            guard !ended else { throw PGError(.decoding, message: "binary COPY data after its end") }
            let fields = Int(Int16(bigEndian: try take(2).loadUnaligned(as: Int16.self)))
            if fields == -1 {
                ended = true
                continue
            }
            guard fields >= 0 else { throw PGError(.decoding, message: "a binary COPY row with \(fields) fields") }
            if cells.count != fields { cells = Array(repeating: nil, count: fields) }
            for field in 0..<fields {
                let length = Int(try integer32())
                cells[field] = length == -1 ? nil : try take(length)
            }
            try cells.withUnsafeBufferPointer { try body($0) }
        }
    }
}
