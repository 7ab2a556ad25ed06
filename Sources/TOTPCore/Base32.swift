/// RFC 4648 §6 Base32, the encoding authenticator apps use for secrets.
///
/// Encoding writes no padding (Key URIs and apps expect none). Decoding forgives what people
/// type — any case, spaces, dashes, optional `=` padding — but never guesses: a character
/// outside the alphabet, a length no encoder produces, or stray trailing bits is an error rather
/// than silently different key bytes.
public enum Base32 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes bytes as unpadded upper-case Base32.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Base32 text, case-insensitively, ignoring spaces and dashes.
    public static func decode(_ text: String) throws(Base32DecodingError) -> [UInt8] {
        var values: [UInt8] = []
        var padding = 0
        for (position, character) in text.enumerated() {
            if character == " " || character == "-" { continue }
            if character == "=" {
                padding += 1
                continue
            }
            guard padding == 0 else { throw .misplacedPadding(position: position) }
            guard let value = symbolValue(character) else {
                throw .invalidCharacter(character, position: position)
            }
            values.append(value)
        }
        if padding > 0 && (values.count + padding) % 8 != 0 {
            throw .wrongPadding(symbols: values.count, padding: padding)
        }
        if padding >= 8 { throw .wrongPadding(symbols: values.count, padding: padding) }
        return try unpack(values)
    }

    private static func symbolValue(_ character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return ascii - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return ascii - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return ascii - UInt8(ascii: "2") + 26
        default: return nil
        }
    }

    private static func unpack(_ values: [UInt8]) throws(Base32DecodingError) -> [UInt8] {
        // Lengths 1, 3 and 6 mod 8 leave 5, 15 or 30 bits: no whole number of bytes encodes to them.
        switch values.count % 8 {
        case 1, 3, 6: throw .impossibleLength(symbols: values.count)
        default: break
        }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for value in values {
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        // What is left is padding of the last symbol; an encoder always writes it as zeros.
        guard buffer == 0 else { throw .nonZeroTrailingBits }
        return output
    }
}

/// Why text is not Base32. Each case says where to look, so a person can fix what they typed.
public enum Base32DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character outside A–Z, 2–7 (and the forgiven space, dash and `=`).
    case invalidCharacter(Character, position: Int)
    /// A symbol after `=` padding began.
    case misplacedPadding(position: Int)
    /// Padding present but not bringing the length to a multiple of 8.
    case wrongPadding(symbols: Int, padding: Int)
    /// A number of symbols (≡ 1, 3 or 6 mod 8) that no byte string encodes to.
    case impossibleLength(symbols: Int)
    /// The last symbol carries bits beyond the final byte that are not zero.
    case nonZeroTrailingBits

    public var description: String {
        switch self {
        case .invalidCharacter(let character, let position):
            return "'\(character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())' at position \(position + 1) is not a Base32 character (A-Z, 2-7)"
        case .misplacedPadding(let position):
            return "a character at position \(position + 1) follows '=' padding"
        case .wrongPadding(let symbols, let padding):
            return "\(padding) '=' after \(symbols) symbols is not valid padding"
        case .impossibleLength(let symbols):
            return "\(symbols) symbols cannot be Base32 (a character is missing or extra)"
        case .nonZeroTrailingBits:
            return "the last symbol has bits set beyond the data (a character is wrong or missing)"
        }
    }
}
