import Testing
import TOTPCore

/// The clock-skew diagnosis: a failed code is located within ±10 minutes, never accepted.
@Suite struct ClockOffsetTests {
    let totp = try! TOTP(secret: OTPSecret(bytes: Array("12345678901234567890".utf8)))
    let now: Int64 = 1_111_111_111

    @Test func aPhoneFourMinutesAheadIsEightStepsAhead() throws {
        let code = try totp.code(at: now + 240)
        #expect(try totp.clockOffset(of: code, at: now) == 8)
        #expect(try totp.verify(code, at: now) == .rejected)
    }

    @Test func aPhoneBehindIsNegative() throws {
        #expect(try totp.clockOffset(of: totp.code(at: now - 300), at: now) == -10)
    }

    @Test func beyondTenMinutesOrWrongIsNil() throws {
        #expect(try totp.clockOffset(of: totp.code(at: now + 660), at: now) == nil)
        #expect(try totp.clockOffset(of: totp.code(at: now), at: now) == 0)
    }
}
