/// Why a Key URI was refused.
public enum OTPAuthURIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text does not start with `otpauth://`.
    case notOTPAuth
    /// The type is neither `totp` nor `hotp`.
    case unknownType(String)
    /// The label has no account name.
    case missingAccountName
    /// The issuer is present but empty.
    case emptyIssuer
    /// An account name starting with a space, which apps strip after the `Issuer:` separator.
    case accountNameStartsWithSpace(String)
    /// The issuer or account name contains a colon, which makes the label ambiguous.
    case colonInLabel(String)
    /// A `%` escape is malformed or decodes to bytes that are not UTF-8.
    case badPercentEncoding(String)
    /// There is no `secret` parameter.
    case missingSecret
    /// The secret is not Base32 or is too short.
    case invalidSecret(OTPSecretParsingError)
    /// The label's issuer prefix and the `issuer` parameter disagree.
    case issuerMismatch(label: String, parameter: String)
    /// The algorithm is not SHA1, SHA256 or SHA512.
    case unknownAlgorithm(String)
    /// `digits` is not 6, 7 or 8.
    case invalidDigits(String)
    /// `period` is not a whole number of seconds of at least 1.
    case invalidPeriod(String)
    /// An `hotp` URI without its `counter`.
    case missingCounter
    /// `counter` is not a non-negative whole number.
    case invalidCounter(String)
    /// A known parameter appears twice, so which one an app uses is anyone's guess.
    case duplicateParameter(String)

    public var description: String {
        switch self {
        case .notOTPAuth: return "not an otpauth:// URI"
        case .unknownType(let type): return "unknown OTP type '\(type)' (expected totp or hotp)"
        case .missingAccountName: return "the label has no account name"
        case .emptyIssuer: return "the issuer is empty"
        case .accountNameStartsWithSpace(let name): return "the account name '\(name)' starts with a space, which apps would drop"
        case .colonInLabel(let text): return "'\(text)': neither issuer nor account name may contain ':'"
        case .badPercentEncoding(let part): return "malformed percent-encoding in \(part)"
        case .missingSecret: return "the secret parameter is missing"
        case .invalidSecret(let error): return error.description
        case .issuerMismatch(let label, let parameter):
            return "the label's issuer '\(label)' disagrees with the issuer parameter '\(parameter)'"
        case .unknownAlgorithm(let name): return "unknown algorithm '\(name)' (expected SHA1, SHA256 or SHA512)"
        case .invalidDigits(let text): return "digits must be 6, 7 or 8, not '\(text)'"
        case .invalidPeriod(let text): return "period must be a whole number of seconds, at least 1, not '\(text)'"
        case .missingCounter: return "an hotp URI needs a counter parameter"
        case .invalidCounter(let text): return "counter must be a non-negative whole number, not '\(text)'"
        case .duplicateParameter(let key): return "the parameter '\(key)' is given more than once"
        }
    }
}
