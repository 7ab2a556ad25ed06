import Testing
@testable import TOTPCore

@Suite struct VerificationTests {
    let totp = try! TOTP(secret: OTPSecret(bytes: Array("12345678901234567890".utf8)), digits: 8)
    let now: Int64 = 1_111_111_111 // step 37037037

    @Test func currentCodeIsAcceptedWithItsStep() throws {
        let code = try totp.code(at: now)
        #expect(try totp.verify(code, at: now) == .accepted(step: 37_037_037))
    }

    @Test func windowIsAsymmetric() throws {
        let window = try VerificationWindow(behind: 2, ahead: 0)
        let current = try totp.step(at: now)
        #expect(try totp.verify(totp.code(step: current - 2), at: now, window: window) == .accepted(step: current - 2))
        #expect(try totp.verify(totp.code(step: current - 3), at: now, window: window) == .rejected)
        #expect(try totp.verify(totp.code(step: current + 1), at: now, window: window) == .rejected)
        #expect(try totp.verify(totp.code(step: current + 1), at: now, window: .standard) == .accepted(step: current + 1))
    }

    @Test func windowIsCapped() throws {
        #expect(throws: OTPError.windowTooWide(behind: 11, ahead: 0)) { try VerificationWindow(behind: 11, ahead: 0) }
        #expect(throws: OTPError.windowTooWide(behind: 0, ahead: -1)) { try VerificationWindow(behind: 0, ahead: -1) }
        _ = try VerificationWindow(behind: 10, ahead: 10)
    }

    @Test func replayAtOrBeforeLastAcceptedStepIsRefused() throws {
        let current = try totp.step(at: now)
        let code = totp.code(step: current)
        #expect(try totp.verify(code, at: now, lastAcceptedStep: current) == .replayed(step: current))
        #expect(try totp.verify(code, at: now, lastAcceptedStep: current + 1) == .replayed(step: current))
        #expect(try totp.verify(code, at: now, lastAcceptedStep: current - 1) == .accepted(step: current))
        let previous = totp.code(step: current - 1)
        #expect(try totp.verify(previous, at: now, lastAcceptedStep: current - 1) == .replayed(step: current - 1))
    }

    @Test func wrongCodeIsRejectedNotAnError() throws {
        #expect(try totp.verify("00000000", at: now) == .rejected)
    }

    @Test func malformedCodesAreTypedErrors() throws {
        #expect(throws: OTPError.codeLengthMismatch(expected: 8, actual: 6)) { try totp.verify("123456", at: now) }
        #expect(throws: OTPError.codeLengthMismatch(expected: 8, actual: 9)) { try totp.verify("123456789", at: now) }
        #expect(throws: OTPError.codeNotDigits) { try totp.verify("1234567a", at: now) }
        #expect(throws: OTPError.codeNotDigits) { try totp.verify(" 1234567", at: now) }
        // Arabic-Indic digits are digits to Unicode, but not to an OTP.
        #expect(throws: OTPError.codeNotDigits) { try totp.verify("١٢٣٤٥٦٧٨", at: now) }
        #expect(throws: OTPError.codeLengthMismatch(expected: 8, actual: 0)) { try totp.verify("", at: now) }
    }

    @Test func windowNearStepZeroDoesNotUnderflow() throws {
        let code = totp.code(step: 0)
        #expect(try totp.verify(code, at: 5, window: VerificationWindow(behind: 10, ahead: 1)) == .accepted(step: 0))
    }

    @Test func timeBeforeT0IsAnErrorInVerification() throws {
        let late = try TOTP(secret: totp.secret, t0: 100)
        #expect(throws: OTPError.timeBeforeEpoch(time: 50, t0: 100)) { try late.verify("123456", at: 50) }
    }

    @Test func clockOverload() throws {
        let code = try totp.code(at: now)
        #expect(try totp.verify(code, clock: FixedOTPClock(unixTime: now)) == .accepted(step: 37_037_037))
    }
}
