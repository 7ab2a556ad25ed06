import Testing
@testable import TOTPCore

@Suite struct SecretTests {
    @Test func generatedSecretsMatchTheAlgorithm() {
        #expect(OTPSecret.generate(for: .sha1).bytes.count == 20)
        #expect(OTPSecret.generate(for: .sha256).bytes.count == 32)
        #expect(OTPSecret.generate(for: .sha512).bytes.count == 64)
    }

    @Test func generatedSecretsDiffer() {
        let secrets = Set((0..<100).map { _ in OTPSecret.generate().base32 })
        #expect(secrets.count == 100)
    }

    @Test func shortSecretsAreRefused() throws {
        #expect(throws: OTPError.secretTooShort(length: 15)) { try OTPSecret(bytes: Array(repeating: 1, count: 15)) }
        _ = try OTPSecret(bytes: Array(repeating: 1, count: 16))
        #expect(throws: OTPSecretParsingError.otp(.secretTooShort(length: 10))) { try OTPSecret(base32: "JBSWY3DPEHPK3PXP") }
        #expect(OTPSecret.generate(length: 4).bytes.count == 16)
    }

    @Test func base32RoundTripAndRedactedDescription() throws {
        let secret = OTPSecret.generate()
        #expect(try OTPSecret(base32: secret.base32) == secret)
        #expect(!"\(secret)".contains(secret.base32))
        #expect(throws: OTPSecretParsingError.base32(.invalidCharacter("!", position: 0))) { try OTPSecret(base32: "!") }
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), []))
    }
}
