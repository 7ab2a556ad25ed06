import Testing
@testable import TOTPCore

@Suite struct TOTPTests {
    let secret = try! OTPSecret(bytes: Array("12345678901234567890".utf8))

    @Test func codesAreZeroPaddedStrings() throws {
        // RFC 6238 vector: at 1111111109 the 8-digit SHA1 code starts with a zero.
        let totp = try TOTP(secret: secret, digits: 8)
        #expect(try totp.code(at: 1_111_111_109) == "07081804")
        let seven = try TOTP(secret: secret, digits: 7)
        #expect(try seven.code(at: 1_111_111_109).count == 7)
    }

    @Test func digitsOutsideSixToEightAreRefused() {
        #expect(throws: OTPError.invalidDigits(5)) { try TOTP(secret: secret, digits: 5) }
        #expect(throws: OTPError.invalidDigits(9)) { try TOTP(secret: secret, digits: 9) }
    }

    @Test func periodMustBeAtLeastOneSecond() throws {
        #expect(throws: OTPError.invalidPeriod(0)) { try TOTP(secret: secret, period: 0) }
        #expect(throws: OTPError.invalidPeriod(-30)) { try TOTP(secret: secret, period: -30) }
        let everySecond = try TOTP(secret: secret, period: 1)
        #expect(try everySecond.step(at: 12_345) == 12_345)
    }

    @Test func timeBeforeT0IsAnError() throws {
        let totp = try TOTP(secret: secret, t0: 1_000)
        #expect(throws: OTPError.timeBeforeEpoch(time: 999, t0: 1_000)) { try totp.code(at: 999) }
        #expect(try totp.step(at: 1_000) == 0)
        #expect(try totp.step(at: 1_029) == 0)
        #expect(try totp.step(at: 1_030) == 1)
        let unixT0 = try TOTP(secret: secret)
        #expect(throws: OTPError.timeBeforeEpoch(time: -1, t0: 0)) { try unixT0.step(at: -1) }
    }

    @Test func farFutureTimesUse64BitSteps() throws {
        let totp = try TOTP(secret: secret)
        // 2038 (32-bit time_t), 2603 (RFC vector), year 292 billion (Int64.max).
        #expect(try totp.step(at: 2_147_483_648) == 71_582_788)
        #expect(try totp.step(at: Int64.max) == UInt64(Int64.max) / 30)
        let hotp = try HOTP(secret: secret)
        #expect(try totp.code(at: Int64.max) == hotp.code(counter: UInt64(Int64.max) / 30))
    }

    @Test func negativeT0FarFromNowDoesNotOverflow() throws {
        let totp = try TOTP(secret: secret, period: 1, t0: Int64.min)
        #expect(try totp.step(at: Int64.max) == UInt64.max)
    }

    @Test func secondsRemainingCountsDown() throws {
        let totp = try TOTP(secret: secret)
        #expect(try totp.secondsRemaining(at: 60) == 30)
        #expect(try totp.secondsRemaining(at: 89) == 1)
    }

    @Test func clockIsAParameter() throws {
        let totp = try TOTP(secret: secret, digits: 8)
        #expect(try totp.code(clock: FixedOTPClock(unixTime: 59)) == "94287082")
        let now = SystemOTPClock().unixTime
        #expect(now > 1_700_000_000)
    }
}
