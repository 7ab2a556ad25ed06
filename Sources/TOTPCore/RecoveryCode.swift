import Crypto

/// A single-use code a customer writes down at enrolment and reads to support after losing the
/// phone.
///
/// Sixteen Crockford Base32 symbols: fifteen random (75 bits, so a salted SHA-256 is enough to
/// store it) and one Luhn mod 32 check symbol, so a misheard character is caught at once, before
/// any attempt is charged. Shown as four dash-separated groups of four.
public struct RecoveryCode: Sendable, Hashable, CustomStringConvertible {
    /// Symbols in a code, check symbol included.
    public static let length = 16
    /// Random symbols in a code.
    public static let randomSymbols = 15
    /// Codes handed out at one enrolment.
    public static let defaultBatchSize = 10
    /// Bytes of per-member salt for stored hashes.
    public static let saltLength = 16

    /// The sixteen canonical symbols, without separators. This is what gets hashed.
    public let normalized: String

    private init(normalized: String) { self.normalized = normalized }

    /// Reads a code as a person typed or an agent heard it: case folded, spaces and dashes
    /// dropped, `O` read as zero and `I`/`L` as one; then the length and check symbol are checked.
    public init(parsing input: String) throws(RecoveryCodeError) {
        var symbols: [UInt8] = []
        symbols.reserveCapacity(Self.length)
        for character in input {
            if character == "-" || character.isWhitespace { continue }
            guard let symbol = CrockfordBase32.canonicalSymbol(character) else {
                throw .invalidCharacter(character)
            }
            symbols.append(symbol)
        }
        guard symbols.count == Self.length else { throw .wrongLength(symbols.count) }
        let values = symbols.map { CrockfordBase32.value(of: $0)! }
        guard CrockfordBase32.luhnCheckValue(values.dropLast()) == values[values.count - 1] else {
            throw .misheardCharacter
        }
        self.init(normalized: String(decoding: symbols, as: UTF8.self))
    }

    /// A fresh code from the system CSPRNG.
    public static func generate() -> RecoveryCode {
        // 256 is a multiple of 32, so masking a random byte to 5 bits is unbiased.
        let random = randomBytes(count: randomSymbols).map { Int($0 & 31) }
        let values = random + [CrockfordBase32.luhnCheckValue(random)]
        let symbols = values.map { CrockfordBase32.alphabet[$0] }
        return RecoveryCode(normalized: String(decoding: symbols, as: UTF8.self))
    }

    /// A batch of distinct fresh codes, as handed out at enrolment.
    public static func generateBatch(count: Int = defaultBatchSize) -> [RecoveryCode] {
        var seen = Set<RecoveryCode>()
        var batch: [RecoveryCode] = []
        while batch.count < count {
            let code = generate()
            if seen.insert(code).inserted { batch.append(code) }
        }
        return batch
    }

    /// The display form, `7K3M-QX9D-P2RA-4WTH`, easy to read back in groups.
    public var grouped: String { Self.grouped(normalized) }

    /// Any run of symbols in groups of four, as codes are shown: also for text that is not a
    /// valid code, such as a deliberately misheard one in a demo.
    public static func grouped(_ symbols: String) -> String {
        var parts: [Substring] = []
        var rest = Substring(symbols)
        while !rest.isEmpty {
            parts.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return parts.joined(separator: "-")
    }

    /// The stored form: SHA-256 over the salt followed by the 16 ASCII symbols of `normalized`.
    /// The database computes the same with `sha256(salt || convert_to(code, 'UTF8'))`.
    public func hash(salt: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(normalized.utf8))
        return Array(hasher.finalize())
    }

    /// A fresh per-member salt.
    public static func makeSalt() -> [UInt8] { randomBytes(count: saltLength) }

    /// Redacted: a code must never reach logs or history through string interpolation.
    public var description: String { "RecoveryCode(redacted)" }

    private static func randomBytes(count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}

/// Why what was read out is not a recovery code. None of these reveal anything about the
/// customer's codes, so none should count against the lockout.
public enum RecoveryCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character that is not a Crockford Base32 symbol (nor a space, dash or O/I/L).
    case invalidCharacter(Character)
    /// The number of symbols read is not 16.
    case wrongLength(Int)
    /// The check symbol does not match: one character was misheard or two were swapped.
    case misheardCharacter

    public var description: String {
        switch self {
        case .invalidCharacter(let character):
            let shown = character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
            return "'\(shown)' cannot appear in a recovery code (letters and digits except U)"
        case .wrongLength(let count):
            return "a recovery code has \(RecoveryCode.length) characters; \(count) were given"
        case .misheardCharacter:
            return "the check character does not match: a character was misheard — ask the caller to read the code again"
        }
    }
}
