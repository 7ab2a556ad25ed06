/// The HMAC hash behind a one-time password (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).
///
/// The raw value is the spelling the otpauth:// Key URI format uses, so a URI round-trips exactly.
public enum OTPAlgorithm: String, Sendable, CaseIterable, Hashable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"

    /// The secret length RFC 4226 §4 and RFC 6238 §5.1 ask for: as long as the hash output,
    /// so the key never becomes the weakest part of the HMAC.
    public var recommendedSecretLength: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    /// Reads the `algorithm` parameter of a Key URI, which apps write in any case.
    public init?(caseInsensitive name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue == name.uppercased() }) else { return nil }
        self = match
    }
}
