import Crypto

extension TOTP {
    /// How far from `unixTime` a code that failed was made, in whole time steps (positive: the
    /// phone's clock is ahead), or nil when it matches no step within `seconds` either side.
    ///
    /// This never accepts a code: it tells a phone whose clock is wrong ("the codes match the
    /// app 4 minutes ahead") from a code that is simply wrong, so support can fix the clock
    /// instead of disabling 2FA. The nearest matching step wins, and, as in `verify`, every
    /// candidate is computed and compared in constant time.
    public func clockOffset(of code: String, at unixTime: Int64, within seconds: Int64 = 600) throws(OTPError) -> Int? {
        let typed = try hotp.validateFormat(code)
        let current = try step(at: unixTime)
        let reach = UInt64(max(0, seconds) / period)
        let key = SymmetricKey(data: secret.bytes)
        var nearest: Int?
        let low = current >= reach ? current - reach : 0
        let high = current <= UInt64.max - reach ? current + reach : UInt64.max
        for candidate in low...high {
            let expected = Array(hotp.format(hotp.truncatedValue(counter: candidate, key: key)).utf8)
            let offset = candidate >= current ? Int(candidate - current) : -Int(current - candidate)
            if ConstantTime.equals(expected, typed), nearest.map({ abs(offset) < abs($0) }) ?? true {
                nearest = offset
            }
        }
        return nearest
    }
}
