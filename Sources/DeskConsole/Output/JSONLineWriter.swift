import DeskDatabase
import PGClient
/// Writes a command's result as one line of JSON (JSON Lines), so a script reads one object per
/// command with any JSON parser. It works on UTF-8 bytes and copies clean runs whole, since a
/// script of 100,000 look-ups spends more time here than anywhere else in the console.
enum JSONLineWriter {
    /// `{"ok":…,"command":…,<fields>}` and, on failure, `"error":{"sqlstate","message"}`.
    static func line(for report: CommandReport) -> String {
        var bytes: [UInt8] = []
        var line = ""
        write(report, into: &bytes) { line += $0 }
        return line + String(decoding: bytes, as: UTF8.self)
    }

    /// The line as UTF-8 into `bytes` (emptied first, its capacity kept: a script of many
    /// commands writes every line into one buffer). A spooled page (`report.spool`) is never
    /// held whole: what comes before it, and then each spooled row, go to `piece` as they come,
    /// and `bytes` ends up holding the rest of the line.
    static func write(_ report: CommandReport, into bytes: inout [UInt8], piece: (String) -> Void) {
        bytes.removeAll(keepingCapacity: true)
        var out = JSONBytes(bytes: bytes)
        bytes = []
        defer { bytes = out.takeBytes() }
        out.raw("{\"ok\":\(report.failure == nil),\"command\":")
        out.string(report.command)
        for field in report.fields.fields {
            out.raw(",")
            out.key(field.key)
            out.raw(":")
            guard let spool = report.spool, field.key == report.rowsKey else {
                out.value(field.value)
                continue
            }
            out.raw("[")
            piece(out.takeText())
            var first = true
            spool.forEachLine { object in
                piece(first ? object : "," + object)
                first = false
            }
            out.raw("]")
        }
        if let failure = report.failure {
            out.raw(",\"error\":")
            out.error(failure)
        }
        out.raw("}")
    }

    /// One record as a JSON object: a spooled row.
    static func object(_ record: ReportRecord) -> String {
        var out = JSONBytes()
        out.value(.record(record))
        return out.text
    }

    /// The object for a command that failed before producing anything.
    static func failureLine(command: String, _ failure: ConsoleFailure) -> String {
        var out = JSONBytes()
        out.raw("{\"ok\":false,\"command\":")
        out.string(command)
        out.raw(",\"error\":")
        out.error(failure)
        out.raw("}")
        return out.text
    }
}

/// A JSON text being built as UTF-8.
private struct JSONBytes {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    /// Appends to `bytes` (a buffer lent for reuse; `take()` hands it back).
    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes, handing the buffer back for reuse.
    mutating func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text so far, leaving the builder empty for the next piece.
    mutating func takeText() -> String {
        defer { bytes.removeAll(keepingCapacity: true) }
        return text
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// The error object in the one shape both executables print (`ErrorReport.jsonObject`).
    mutating func error(_ failure: ConsoleFailure) { raw(failure.report.jsonObject) }

    mutating func value(_ value: ReportValue) {
        switch value {
        case .text(let text): string(text)
        case .integer(let number): integer(number)
        case .number(let number): raw(number.isFinite ? String(number) : "null")
        case .bool(let flag): raw(flag ? "true" : "false")
        case .time(let time): string(time.description)
        case .null: raw("null")
        case .records(let records):
            raw("[")
            for (index, record) in records.enumerated() {
                if index > 0 { raw(",") }
                object(record)
            }
            raw("]")
        case .record(let record):
            object(record)
        }
    }

    private mutating func object(_ record: ReportRecord) {
        bytes.append(0x7B)
        for (index, field) in record.fields.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            key(field.key)
            bytes.append(0x3A)
            value(field.value)
        }
        bytes.append(0x7D)
    }

    /// A whole number in decimal, without making a String of it.
    private mutating func integer(_ number: Int64) {
        if number < 0 { bytes.append(0x2D) }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var end = buffer.count
            repeat {
                end -= 1
                buffer[end] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: buffer[end...])
        }
    }

    /// A JSON string literal, escaped by the one implementation (`JSONText`).
    mutating func string(_ text: String) { JSONText.appendString(text, to: &bytes) }

    /// A member name. Keys are the program's own names (`member_id`, `two_factor`), never text
    /// from the database, and none needs escaping, so they go out as they are: a 20-row `find`
    /// writes 240 of them, and escaping each cost more than the rest of its line. Debug builds
    /// (the tests) check the promise.
    mutating func key(_ name: String) {
        assert(JSONText.string(name) == "\"" + name + "\"", "a JSON key that needs escaping: \(name)")
        bytes.append(0x22)
        bytes.append(contentsOf: name.utf8)
        bytes.append(0x22)
    }
}
