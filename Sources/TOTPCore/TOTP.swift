import Crypto

/// RFC 6238 time-based one-time passwords: HOTP over the number of periods elapsed since T0.
///
/// All arithmetic is on 64-bit integers, so times past 2038 (and far past 2603) step correctly.
public struct TOTP: Sendable {
    /// The underlying HOTP generator (secret, algorithm, digits).
    public let hotp: HOTP
    /// Length of one time step in seconds (RFC 6238 X; default 30).
    public let period: Int64
    /// Unix time at which step 0 begins (RFC 6238 T0; default 0).
    public let t0: Int64

    /// The period every authenticator app assumes when none is given.
    public static let defaultPeriod: Int64 = 30

    /// Validates the whole configuration up front, so that code generation cannot fail on it later.
    public init(
        secret: OTPSecret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6,
        period: Int64 = TOTP.defaultPeriod, t0: Int64 = 0
    ) throws(OTPError) {
        guard period >= 1 else { throw .invalidPeriod(period) }
        self.hotp = try HOTP(secret: secret, algorithm: algorithm, digits: digits)
        self.period = period
        self.t0 = t0
    }

    /// The secret being used.
    public var secret: OTPSecret { hotp.secret }
    /// The HMAC hash being used.
    public var algorithm: OTPAlgorithm { hotp.algorithm }
    /// The number of digits in a code.
    public var digits: Int { hotp.digits }

    /// The time step containing `unixTime`: floor((T - T0) / X). Times before T0 have no step.
    public func step(at unixTime: Int64) throws(OTPError) -> UInt64 {
        guard unixTime >= t0 else { throw .timeBeforeEpoch(time: unixTime, t0: t0) }
        // With unixTime >= t0 the true difference fits in UInt64 even when Int64 subtraction would overflow.
        let elapsed = UInt64(bitPattern: unixTime &- t0)
        return elapsed / UInt64(period)
    }

    /// Seconds until the code shown at `unixTime` changes, for a countdown next to the code.
    public func secondsRemaining(at unixTime: Int64) throws(OTPError) -> Int64 {
        guard unixTime >= t0 else { throw .timeBeforeEpoch(time: unixTime, t0: t0) }
        let elapsed = UInt64(bitPattern: unixTime &- t0)
        return period - Int64(elapsed % UInt64(period))
    }

    /// The code for a given time step.
    public func code(step: UInt64) -> String { hotp.code(counter: step) }

    /// The code valid at `unixTime`.
    public func code(at unixTime: Int64) throws(OTPError) -> String {
        code(step: try step(at: unixTime))
    }

    /// The code valid now on `clock`.
    public func code(clock: some OTPClock) throws(OTPError) -> String {
        try code(at: clock.unixTime)
    }
}
