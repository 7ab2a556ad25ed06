import Testing
@testable import TOTPCore

/// The published test vectors of RFC 4226 (Appendix D) and RFC 6238 (Appendix B).
@Suite struct RFCVectorTests {
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    @Test func hotpAppendixD() throws {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        let hotp = try HOTP(secret: OTPSecret(bytes: Self.sha1Seed))
        for (counter, code) in expected.enumerated() {
            #expect(hotp.code(counter: UInt64(counter)) == code, "counter \(counter)")
        }
    }

    @Test(arguments: [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ] as [(Int64, String, String, String)])
    func totpAppendixB(time: Int64, sha1: String, sha256: String, sha512: String) throws {
        let cases: [(OTPAlgorithm, [UInt8], String)] = [
            (.sha1, Self.sha1Seed, sha1), (.sha256, Self.sha256Seed, sha256), (.sha512, Self.sha512Seed, sha512),
        ]
        for (algorithm, seed, code) in cases {
            let totp = try TOTP(secret: OTPSecret(bytes: seed), algorithm: algorithm, digits: 8)
            #expect(try totp.code(at: time) == code, "\(algorithm) at \(time)")
        }
    }

    @Test func stepsMatchAppendixBTable() throws {
        let totp = try TOTP(secret: OTPSecret(bytes: Self.sha1Seed))
        #expect(try totp.step(at: 59) == 1)
        #expect(try totp.step(at: 1_111_111_109) == 0x23523EC)
        #expect(try totp.step(at: 20_000_000_000) == 0x27BC86AA)
    }
}
