import Crypto

/// RFC 4226 HMAC-based one-time passwords: the building block TOTP counts time steps into.
public struct HOTP: Sendable {
    /// The shared key.
    public let secret: OTPSecret
    /// The HMAC hash.
    public let algorithm: OTPAlgorithm
    /// How many decimal digits a code has (6, 7 or 8).
    public let digits: Int

    /// The digit counts RFC 4226 §5.3 defines and apps accept.
    public static let supportedDigits: ClosedRange<Int> = 6...8

    /// Checks the digit count once, so that computing a code can never fail later.
    public init(secret: OTPSecret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6) throws(OTPError) {
        guard Self.supportedDigits.contains(digits) else { throw .invalidDigits(digits) }
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
    }

    /// The code for one counter value, zero-padded: leading zeros are part of the code.
    public func code(counter: UInt64) -> String {
        format(truncatedValue(counter: counter, key: SymmetricKey(data: secret.bytes)))
    }

    /// RFC 4226 §5.3 dynamic truncation of HMAC(K, C), reduced modulo 10^digits.
    func truncatedValue(counter: UInt64, key: SymmetricKey) -> UInt32 {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac: [UInt8]
        switch algorithm {
        case .sha1: mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: mac = Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24)
            | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        return binary % Self.modulus(digits)
    }

    func format(_ value: UInt32) -> String {
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    static func modulus(_ digits: Int) -> UInt32 {
        var result: UInt32 = 1
        for _ in 0..<digits { result *= 10 }
        return result
    }

    /// Checks that `code` has exactly `digits` ASCII digits, before any comparison is made.
    func validateFormat(_ code: String) throws(OTPError) -> [UInt8] {
        let bytes = Array(code.utf8)
        guard code.count == digits else {
            throw .codeLengthMismatch(expected: digits, actual: code.count)
        }
        guard bytes.count == digits, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .codeNotDigits
        }
        return bytes
    }
}
