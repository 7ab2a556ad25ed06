

extension ErrorReport {
    /// The error object both executables print for scripts, in one shape:
    /// `{"sqlstate":"DK005","message":"…"}`, with `"sqlstate":null` when no database refusal is
    /// behind it (the key is never left out).
    public var jsonObject: String {
        "{\"sqlstate\":" + (sqlState.map(Self.jsonString) ?? "null") + ",\"message\":" + Self.jsonString(message) + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
