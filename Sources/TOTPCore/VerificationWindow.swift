/// How many time steps around "now" a TOTP check accepts, to absorb clock drift and typing delay.
///
/// Asymmetric because drift usually goes one way (a code typed late is common, one from the
/// future rare), and capped because every extra step is one more code an attacker may guess.
public struct VerificationWindow: Sendable, Equatable {
    /// The most steps accepted on either side.
    public static let maximumSteps = 10

    /// RFC 6238 §5.2's recommendation: one step back for transmission delay, one ahead for drift.
    public static let standard = VerificationWindow(uncheckedBehind: 1, ahead: 1)
    /// Only the current step.
    public static let exact = VerificationWindow(uncheckedBehind: 0, ahead: 0)

    /// Steps before the current one that are still accepted.
    public let behind: Int
    /// Steps after the current one that are already accepted.
    public let ahead: Int

    /// Refuses negative or over-wide windows.
    public init(behind: Int, ahead: Int) throws(OTPError) {
        guard (0...Self.maximumSteps).contains(behind), (0...Self.maximumSteps).contains(ahead) else {
            throw .windowTooWide(behind: behind, ahead: ahead)
        }
        self.init(uncheckedBehind: behind, ahead: ahead)
    }

    private init(uncheckedBehind behind: Int, ahead: Int) {
        self.behind = behind
        self.ahead = ahead
    }

    /// The steps to try around `current`, clipped to the representable range.
    func candidateSteps(around current: UInt64) -> ClosedRange<UInt64> {
        let low = current >= UInt64(behind) ? current - UInt64(behind) : 0
        let high = current <= UInt64.max - UInt64(ahead) ? current + UInt64(ahead) : UInt64.max
        return low...high
    }
}
