/// Makes text from the database safe to print on an agent's terminal.
///
/// A customer controls their own name and email; written raw, an ESC sequence in a name could
/// recolour the screen, move the cursor, retitle the window or hide text, and a bidi override
/// could make `moc.evil@` read as something else. Every such character is shown as a visible
/// escape instead, so what the agent sees is what is stored.
public enum TerminalSafeText {
    /// The text with C0/C1 controls, DEL, bidi controls and other invisible format characters
    /// replaced by `\n`, `\t`, `\x1B`, `\u{202E}`-style escapes. A backslash is doubled so an
    /// escape can never be forged by the text itself.
    /// - Parameter keepingLineBreaks: pass true for multi-line messages (libpq's errors), whose
    ///   newlines and tabs are layout rather than content.
    public static func escape(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // Nearly all text is plain printable ASCII: hand it back without copying.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }) { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += keepingLineBreaks ? "\\" : "\\\\"
            case "\n" where keepingLineBreaks, "\t" where keepingLineBreaks: output.unicodeScalars.append(scalar)
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if isUnsafe(scalar) {
                    output += scalar.value <= 0xFF ? hexEscape(scalar.value) : "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// True when the text would print exactly as stored.
    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { isUnsafe($0) || $0 == "\\" || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    }

    /// Whether a scalar is escaped: controls (C0, DEL, C1), every format character (zero-width
    /// spaces and joiners, bidi controls, U+2060 word joiner, U+00AD soft hyphen, tag characters,
    /// the BOM), line and paragraph separators, other invisible code points (Hangul fillers, the
    /// combining grapheme joiner, Mongolian selectors), and unassigned ones, which a newer
    /// terminal may draw as anything. Variation selectors stay: they pick an emoji's look.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return false }
        if value < 0xA0 { return true }                     // C0, DEL, C1 (incl. CSI 0x9B)
        if value < 0x34F { return value == 0xAD }           // Latin, IPA, combining marks: visible but the soft hyphen
        if (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate: return true
        default: return scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "\\x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
