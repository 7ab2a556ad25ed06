import Crypto

/// What a TOTP check concluded about a well-formed code.
public enum TOTPVerification: Sendable, Equatable {
    /// The code matches this step, which is later than the last accepted one: store it as the
    /// new last accepted step so the same code cannot be used again.
    case accepted(step: UInt64)
    /// The code matches only a step at or before the last accepted one (RFC 6238 §5.2: a code
    /// may be used once). Reported apart from `rejected` so a login can say so.
    case replayed(step: UInt64)
    /// The code matches no step in the window.
    case rejected
}

extension TOTP {
    /// Checks a code typed by a person at `unixTime`.
    ///
    /// Every candidate in the window is computed and compared in constant time, with no early
    /// exit, so the time taken does not reveal which step (if any) matched.
    /// - Parameters:
    ///   - code: exactly `digits` ASCII digits, else `OTPError` (a typo is not a wrong code).
    ///   - window: steps behind and ahead of the current one to accept.
    ///   - lastAcceptedStep: the step of the last code accepted for this credential, if any;
    ///     codes for it or any earlier step are refused as replays.
    public func verify(
        _ code: String, at unixTime: Int64, window: VerificationWindow = .standard,
        lastAcceptedStep: UInt64? = nil
    ) throws(OTPError) -> TOTPVerification {
        let typed = try hotp.validateFormat(code)
        let current = try step(at: unixTime)
        let key = SymmetricKey(data: secret.bytes)
        var newest: UInt64?
        var replayed: UInt64?
        for candidate in window.candidateSteps(around: current) {
            let expected = Array(hotp.format(hotp.truncatedValue(counter: candidate, key: key)).utf8)
            let matches = ConstantTime.equals(expected, typed)
            let isFresh = lastAcceptedStep.map { candidate > $0 } ?? true
            if matches && isFresh { newest = candidate }
            if matches && !isFresh { replayed = candidate }
        }
        if let newest { return .accepted(step: newest) }
        if let replayed { return .replayed(step: replayed) }
        return .rejected
    }

    /// Checks a code against the time now on `clock`.
    public func verify(
        _ code: String, clock: some OTPClock, window: VerificationWindow = .standard,
        lastAcceptedStep: UInt64? = nil
    ) throws(OTPError) -> TOTPVerification {
        try verify(code, at: clock.unixTime, window: window, lastAcceptedStep: lastAcceptedStep)
    }
}
