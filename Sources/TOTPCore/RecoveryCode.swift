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

    /// The most characters (Unicode scalars) an input may have; longer input is refused before
    /// it is read. The database's `portal.normalise_recovery_code` has the same cap.
    public static let maximumInputLength = 64

    /// Reads a code as a person typed or an agent heard it: separators dropped (Unicode
    /// White_Space and dash punctuation, so a pasted no-break space or en dash is forgiven),
    /// ASCII case folded, `O` read as zero and `I`/`L` as one; then the length and check symbol
    /// are checked. The rule is this type's; the database's `portal.normalise_recovery_code`
    /// implements the same one (it hashes inside the database), and a test holds them equal.
    public init(parsing input: String) throws(RecoveryCodeError) {
        guard input.unicodeScalars.count <= Self.maximumInputLength else {
            throw .tooLong(input.unicodeScalars.count)
        }
        var symbols: [UInt8] = []
        symbols.reserveCapacity(Self.length)
        for scalar in input.unicodeScalars {
            if Self.isSeparator(scalar) { continue }
            guard let symbol = CrockfordBase32.canonicalSymbol(Character(scalar)) else {
                throw .invalidCharacter(Character(scalar))
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

    /// What `init(parsing:)` reads in `input` before it checks anything, in groups of four: for
    /// the console to read back to the caller, so both sides hear the same symbols. Characters
    /// that cannot be symbols are kept as typed.
    public static func readBack(_ input: String) -> String {
        var symbols = ""
        for scalar in input.unicodeScalars.prefix(maximumInputLength) where !isSeparator(scalar) {
            let character = Character(scalar)
            symbols.append(CrockfordBase32.canonicalSymbol(character).map { Character(Unicode.Scalar($0)) } ?? character)
        }
        return grouped(symbols)
    }

    /// Whether a scalar is dropped between groups: Unicode White_Space or dash punctuation.
    public static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.generalCategory == .dashPunctuation
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
    /// A character that is not a Crockford Base32 symbol (nor a separator or O/I/L).
    case invalidCharacter(Character)
    /// The number of symbols read is not 16.
    case wrongLength(Int)
    /// The input is longer than any way of typing a code (`RecoveryCode.maximumInputLength`).
    case tooLong(Int)
    /// The check symbol does not match: one character was misheard or two were swapped.
    case misheardCharacter

    public var description: String {
        switch self {
        case .invalidCharacter(let character):
            let shown = character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
            return "'\(shown)' cannot appear in a recovery code (letters and digits except U)"
        case .wrongLength(let count):
            return "a recovery code has \(RecoveryCode.length) characters; \(count) were given"
        case .tooLong(let count):
            return "that was \(count) characters; a recovery code is typed in at most \(RecoveryCode.maximumInputLength)"
        case .misheardCharacter:
            return "the check character does not match: a character was misheard — ask the caller to read the code again"
        }
    }
}
