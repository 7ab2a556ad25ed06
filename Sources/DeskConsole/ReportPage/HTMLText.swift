/// Text made safe for an HTML page (element content and quoted attribute values alike): what
/// comes from the database (agent names, account numbers, targets) is first made visible as the
/// terminal formats do (control and invisible format characters spelt out), then `& < > " '`
/// are escaped, so nothing in it can open a tag, end an attribute or hide itself.
enum HTMLText {
    static func escape(_ text: String) -> String {
        let visible = TerminalSafeText.escape(text)
        var output = ""
        output.reserveCapacity(visible.utf8.count)
        for scalar in visible.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// A number for an SVG attribute: at most two decimals, no exponent, `.` as the separator
    /// whatever the locale.
    static func number(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let whole = hundredths / 100, fraction = abs(hundredths % 100)
        let sign = hundredths < 0 && whole == 0 ? "-" : ""
        if fraction == 0 { return "\(sign)\(whole)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
