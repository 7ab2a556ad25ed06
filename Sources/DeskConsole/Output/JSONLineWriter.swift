/// Writes a command's result as one line of JSON (JSON Lines), so a script reads one object per
/// command with any JSON parser.
enum JSONLineWriter {
    /// `{"ok":…,"command":…,<fields>}` and, on failure, `"error":{"sqlstate","message"}`.
    static func line(for report: CommandReport) -> String {
        var out = "{\"ok\":\(report.failure == nil),\"command\":"
        appendString(report.command, to: &out)
        for field in report.fields.fields {
            out += ","
            appendString(field.key, to: &out)
            out += ":"
            appendValue(field.value, to: &out)
        }
        if let failure = report.failure {
            out += ",\"error\":"
            appendError(failure, to: &out)
        }
        return out + "}"
    }

    /// The object for a command that failed before producing anything.
    static func failureLine(command: String, _ failure: ConsoleFailure) -> String {
        var out = "{\"ok\":false,\"command\":"
        appendString(command, to: &out)
        out += ",\"error\":"
        appendError(failure, to: &out)
        return out + "}"
    }

    private static func appendError(_ failure: ConsoleFailure, to out: inout String) {
        out += "{\"sqlstate\":"
        if let state = failure.sqlState { appendString(state, to: &out) } else { out += "null" }
        out += ",\"message\":"
        appendString(failure.message, to: &out)
        out += "}"
    }

    static func appendValue(_ value: ReportValue, to out: inout String) {
        switch value {
        case .text(let text): appendString(text, to: &out)
        case .integer(let number): out += String(number)
        case .number(let number): out += number.isFinite ? String(number) : "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .time(let time): appendString(time.description, to: &out)
        case .null: out += "null"
        case .records(let records):
            out += "["
            for (index, record) in records.enumerated() {
                if index > 0 { out += "," }
                appendObject(record, to: &out)
            }
            out += "]"
        case .record(let record):
            appendObject(record, to: &out)
        }
    }

    private static func appendObject(_ record: ReportRecord, to out: inout String) {
        out += "{"
        for (index, field) in record.fields.enumerated() {
            if index > 0 { out += "," }
            appendString(field.key, to: &out)
            out += ":"
            appendValue(field.value, to: &out)
        }
        out += "}"
    }

    /// RFC 8259 string escaping; U+2028/2029 are escaped too so the line is also valid JavaScript.
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
