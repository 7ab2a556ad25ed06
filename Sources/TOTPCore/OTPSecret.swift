import Crypto

/// The shared key of an HOTP/TOTP credential.
///
/// A dedicated type rather than `[UInt8]` so that a secret below the RFC 4226 minimum cannot
/// exist, and so that printing one by accident shows nothing of it.
public struct OTPSecret: Sendable, Equatable, CustomStringConvertible {
    /// RFC 4226 §4: the shared secret must be at least 128 bits.
    public static let minimumLength = 16

    /// The raw key bytes.
    public let bytes: [UInt8]

    /// Wraps key bytes, refusing anything shorter than `minimumLength`.
    public init(bytes: [UInt8]) throws(OTPError) {
        guard bytes.count >= Self.minimumLength else { throw .secretTooShort(length: bytes.count) }
        self.bytes = bytes
    }

    /// Reads a secret as authenticator apps show it (Base32, any case, spaces allowed).
    public init(base32 text: String) throws(OTPSecretParsingError) {
        let decoded: [UInt8]
        do { decoded = try Base32.decode(text) } catch { throw .base32(error) }
        do { try self.init(bytes: decoded) } catch { throw .otp(error) }
    }

    /// A fresh secret from the system CSPRNG, as long as the algorithm's hash output.
    public static func generate(for algorithm: OTPAlgorithm = .sha1) -> OTPSecret {
        generate(length: algorithm.recommendedSecretLength)
    }

    /// A fresh secret of an explicit length (at least `minimumLength`; shorter requests are raised to it).
    public static func generate(length: Int) -> OTPSecret {
        let count = max(length, minimumLength)
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8))
        let bytes = key.withUnsafeBytes { Array($0) }
        // The length is at least the minimum, so the initialiser cannot refuse it.
        return try! OTPSecret(bytes: bytes)
    }

    /// The unpadded Base32 text that apps and Key URIs expect.
    public var base32: String { Base32.encode(bytes) }

    /// Constant-time, so comparing secrets leaks nothing through timing.
    public static func == (lhs: OTPSecret, rhs: OTPSecret) -> Bool {
        ConstantTime.equals(lhs.bytes, rhs.bytes)
    }

    /// Redacted: a secret must never reach a log through string interpolation.
    public var description: String { "OTPSecret(\(bytes.count) bytes, redacted)" }
}

/// Why text could not be read as an OTP secret.
public enum OTPSecretParsingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not valid Base32.
    case base32(Base32DecodingError)
    /// The decoded key is not acceptable (too short).
    case otp(OTPError)

    public var description: String {
        switch self {
        case .base32(let error): return "the secret is not valid Base32: \(error)"
        case .otp(let error): return error.description
        }
    }
}
