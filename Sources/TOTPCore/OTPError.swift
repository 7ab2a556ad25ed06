/// Why a one-time-password computation or check could not be carried out.
///
/// These are mistakes of configuration or input, never a wrong code: a wrong code is an
/// ordinary outcome of verification (`TOTPVerification.rejected`), not an error.
public enum OTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Only 6, 7 or 8 digits are defined by RFC 4226 §5.3 and supported by apps.
    case invalidDigits(Int)
    /// A time step must be at least one second.
    case invalidPeriod(Int64)
    /// A secret under 16 bytes (128 bits, the RFC 4226 §4 minimum) is refused.
    case secretTooShort(length: Int)
    /// A verification window wider than `VerificationWindow.maximumSteps` on either side.
    case windowTooWide(behind: Int, ahead: Int)
    /// TOTP counts steps from T0; a time before it has no step.
    case timeBeforeEpoch(time: Int64, t0: Int64)
    /// The code typed has the wrong number of characters.
    case codeLengthMismatch(expected: Int, actual: Int)
    /// The code typed contains something other than ASCII digits.
    case codeNotDigits

    public var description: String {
        switch self {
        case .invalidDigits(let digits):
            return "a one-time password has 6, 7 or 8 digits, not \(digits)"
        case .invalidPeriod(let period):
            return "the time step must be at least 1 second, not \(period)"
        case .secretTooShort(let length):
            return "the secret has \(length) bytes; at least \(OTPSecret.minimumLength) are required"
        case .windowTooWide(let behind, let ahead):
            return "a window of \(behind) steps behind and \(ahead) ahead is wider than the \(VerificationWindow.maximumSteps) allowed on each side"
        case .timeBeforeEpoch(let time, let t0):
            return "time \(time) is before T0 (\(t0))"
        case .codeLengthMismatch(let expected, let actual):
            return "the code must have \(expected) digits, not \(actual)"
        case .codeNotDigits:
            return "the code may contain only the digits 0-9"
        }
    }
}
