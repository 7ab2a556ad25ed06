/// Lower-case hexadecimal, as PostgreSQL writes bytea and as anchors and keys are shown; built
/// without formatting calls, since a million-row load spends real time here.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` as lower-case hex, after an optional prefix (bytea's text form is `\x` + hex).
    public static func encode(_ bytes: [UInt8], prefix: String = "") -> String {
        let head = Array(prefix.utf8)
        return String(unsafeUninitializedCapacity: head.count + bytes.count * 2) { buffer in
            for (index, byte) in head.enumerated() { buffer[index] = byte }
            for (index, byte) in bytes.enumerated() {
                buffer[head.count + index * 2] = digits[Int(byte >> 4)]
                buffer[head.count + index * 2 + 1] = digits[Int(byte & 15)]
            }
            return head.count + bytes.count * 2
        }
    }

    /// The bytes of an even-length hex string (either case), or nil if it is not one.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
