/// JSON string literals (RFC 8259), written one way for every program: the console's JSON
/// Lines and the error object both executables print (`ErrorReport.jsonObject`) used to escape
/// with two implementations that disagreed on `\b` and `\f`. It works on UTF-8 bytes and copies
/// clean runs whole, since a script of 100,000 look-ups spends much of its time here.
///
/// Quotes, backslashes and C0 controls are escaped (`\n \r \t \b \f` by name, the rest as
/// `\u00XX`), and so are DEL (harmless to JSON, not to a terminal showing the line) and U+2028 /
/// U+2029 (so the line is also valid JavaScript). Everything else, non-BMP characters included,
/// is written as its UTF-8; a Swift `String` holds no invalid UTF-8 (it was repaired to U+FFFD
/// when it was made), so neither does the output.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included, appended to `bytes` as UTF-8.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString(utf8: $0, to: &bytes) }
    }

    /// The same for text already in UTF-8. Clean text (most of it) is looked at eight bytes at
    /// a time and copied in one piece; only an eight-byte word holding a byte that may need an
    /// escape is gone through byte by byte.
    static func appendString(utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        defer { bytes.append(0x22) }
        guard let base = utf8.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let count = utf8.count
        var runStart = 0
        var index = 0
        while index < count {
            if count - index >= 8, !mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let limit = min(index + 8, count)
            while index < limit {
                let byte = base[index]
                if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x7F && byte != 0xE2 {
                    index += 1
                    continue
                }
                let escape: StaticString?
                var width = 1
                var control: UInt8?
                switch byte {
                case 0x22: escape = "\\\""
                case 0x5C: escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0x08: escape = "\\b"
                case 0x0C: escape = "\\f"
                case 0x00..<0x20, 0x7F:
                    escape = nil
                    control = byte
                case 0xE2 where index + 2 < count && base[index + 1] == 0x80 && (base[index + 2] == 0xA8 || base[index + 2] == 0xA9):
                    escape = base[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    width = 3
                default: escape = nil
                }
                if escape != nil || control != nil {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
                    if let escape {
                        bytes.append(contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount))
                    } else if let control {
                        appendUnicodeEscape(control, to: &bytes)
                    }
                    runStart = index + width
                }
                index += width
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart))
    }

    /// Whether any of eight bytes is a control character, a quote, a backslash, DEL, or 0xE2 (the lead
    /// byte of U+2028 and U+2029): the SWAR tests for a zero byte and a byte below a bound
    /// (exact about whether there is one, which is all that is asked).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        @inline(__always) func has(_ byte: UInt8) -> Bool { hasZero(word ^ (ones &* UInt64(byte))) }
        let below = (word &- ones &* 0x20) & ~word & highs != 0
        return below || has(0x22) || has(0x5C) || has(0x7F) || has(0xE2)
    }

    /// `text` as a JSON string literal, quotes included.
    public static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `\u00XX` for a byte below 0x80, in lower-case hex.
    private static func appendUnicodeEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        let digits = hex.utf8Start
        bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
