/// RFC 2045 quoted-printable, for a body with a line too long to travel as 8bit (998 octets).
enum QuotedPrintable {
    /// Encodes `lines` (without their line ends) as lines of at most 76 characters, joined by LF
    /// (sendmail's local convention; the mail system writes CRLF on the wire).
    static func encode(lines: [Substring]) -> String {
        var output: [String] = []
        for line in lines {
            let bytes = Array(line.utf8)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let token: String
                if byte == UInt8(ascii: "=") || byte > 126 || (byte < 32 && byte != 9) || (isLast && (byte == 32 || byte == 9)) {
                    token = "=" + hex(byte)
                } else {
                    token = String(UnicodeScalar(byte))
                }
                // Room for a soft break's "=" after the token.
                if current.count + token.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += token
            }
            output.append(current)
        }
        return output.joined(separator: "\n")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
