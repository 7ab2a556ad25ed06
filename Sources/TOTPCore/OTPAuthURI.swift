/// An `otpauth://` Key URI, the text inside the QR code an authenticator app scans.
///
/// Built by the portal at enrolment and parsed when importing or checking one. Follows the
/// Google Authenticator Key URI format: label `Issuer:account`, Base32 secret without padding,
/// the issuer repeated as a parameter, and default parameters left out.
public struct OTPAuthURI: Sendable, Equatable {
    /// Counter-based or time-based, with the parameter each needs.
    public enum Kind: Sendable, Equatable {
        /// RFC 6238 TOTP with its period in seconds.
        case totp(period: Int64)
        /// RFC 4226 HOTP with its initial counter.
        case hotp(counter: UInt64)
    }

    /// TOTP or HOTP.
    public let kind: Kind
    /// The shared secret.
    public let secret: OTPSecret
    /// Who the account belongs to, usually an email address.
    public let accountName: String
    /// The service the account is at, shown by apps above the code.
    public let issuer: String?
    /// The HMAC hash.
    public let algorithm: OTPAlgorithm
    /// Digits in a code.
    public let digits: Int

    /// Checks every field so that a built URI is always one apps can read.
    public init(
        kind: Kind = .totp(period: TOTP.defaultPeriod), secret: OTPSecret, accountName: String,
        issuer: String?, algorithm: OTPAlgorithm = .sha1, digits: Int = 6
    ) throws(OTPAuthURIError) {
        guard !accountName.isEmpty else { throw .missingAccountName }
        guard !accountName.contains(":") else { throw .colonInLabel(accountName) }
        // The label format lets apps drop spaces after `Issuer:`, so such a name cannot survive.
        guard accountName.first != " " else { throw .accountNameStartsWithSpace(accountName) }
        if let issuer {
            guard !issuer.isEmpty else { throw .emptyIssuer }
            guard !issuer.contains(":") else { throw .colonInLabel(issuer) }
        }
        guard HOTP.supportedDigits.contains(digits) else { throw .invalidDigits(String(digits)) }
        if case .totp(let period) = kind, period < 1 { throw .invalidPeriod(String(period)) }
        self.kind = kind
        self.secret = secret
        self.accountName = accountName
        self.issuer = issuer
        self.algorithm = algorithm
        self.digits = digits
    }

    /// A TOTP URI for an existing generator.
    public init(totp: TOTP, accountName: String, issuer: String?) throws(OTPAuthURIError) {
        try self.init(
            kind: .totp(period: totp.period), secret: totp.secret, accountName: accountName,
            issuer: issuer, algorithm: totp.algorithm, digits: totp.digits)
    }

    /// The URI text, percent-encoded per RFC 3986 (a space is `%20`, never `+`).
    public var uriString: String {
        var label = PercentEncoding.encode(accountName)
        if let issuer { label = PercentEncoding.encode(issuer) + ":" + label }
        var parameters = ["secret=" + secret.base32]
        if let issuer { parameters.append("issuer=" + PercentEncoding.encode(issuer)) }
        if algorithm != .sha1 { parameters.append("algorithm=" + algorithm.rawValue) }
        if digits != 6 { parameters.append("digits=\(digits)") }
        switch kind {
        case .totp(let period):
            if period != TOTP.defaultPeriod { parameters.append("period=\(period)") }
        case .hotp(let counter):
            parameters.append("counter=\(counter)")
        }
        return "otpauth://\(typeName)/\(label)?" + parameters.joined(separator: "&")
    }

    var typeName: String {
        switch kind {
        case .totp: return "totp"
        case .hotp: return "hotp"
        }
    }

    /// A TOTP generator for this URI (nil for HOTP).
    public func makeTOTP(t0: Int64 = 0) -> TOTP? {
        guard case .totp(let period) = kind else { return nil }
        // Fields were validated on construction, so this cannot throw.
        return try? TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period, t0: t0)
    }

    /// Parameters Google Authenticator is documented to ignore: a customer scanning this URI
    /// with it would get codes that never match.
    public var googleAuthenticatorCaveats: [AuthenticatorCaveat] {
        var caveats: [AuthenticatorCaveat] = []
        if algorithm != .sha1 { caveats.append(.algorithmIgnored(algorithm)) }
        if digits != 6 { caveats.append(.digitsIgnored(digits)) }
        if case .totp(let period) = kind, period != TOTP.defaultPeriod { caveats.append(.periodIgnored(period)) }
        return caveats
    }
}

/// A Key URI setting some authenticator apps ignore, silently producing wrong codes.
public enum AuthenticatorCaveat: Sendable, Equatable, CustomStringConvertible {
    /// Google Authenticator always uses SHA1.
    case algorithmIgnored(OTPAlgorithm)
    /// Google Authenticator (Android, older iOS) always shows 6 digits.
    case digitsIgnored(Int)
    /// Google Authenticator always uses 30-second steps.
    case periodIgnored(Int64)

    public var description: String {
        switch self {
        case .algorithmIgnored(let algorithm):
            return "Google Authenticator ignores algorithm=\(algorithm.rawValue) and uses SHA1"
        case .digitsIgnored(let digits):
            return "Google Authenticator may ignore digits=\(digits) and show 6 digits"
        case .periodIgnored(let period):
            return "Google Authenticator ignores period=\(period) and uses 30 seconds"
        }
    }
}
