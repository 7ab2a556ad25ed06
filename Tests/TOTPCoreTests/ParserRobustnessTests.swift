import Testing
@testable import TOTPCore

/// Random text into every parser: each returns a value or its typed error, never crashes, and
/// whatever it accepts survives a round trip.
@Suite struct ParserRobustnessTests {
    static let pieces: [String] = [
        "A", "z", "2", "7", "8", "0", "1", "O", "I", "L", "U", "=", "-", " ", "\t", "%", "%3A", "%ZZ", "%C3%A9",
        ":", "?", "&", "/", "#", "+", "é", "🚀", "\u{0}", "\u{1B}", "\u{202E}", "otpauth://", "totp/", "hotp/",
        "secret=", "issuer=", "algorithm=", "digits=", "period=", "counter=", "SHA256", "sha1", "JBSWY3DPEHPK3PXP",
    ]

    static func randomText(_ random: inout SplitMix64) -> String {
        let count = Int(random.next() % 24)
        return (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }

    @Test func base32NeverCrashesAndRoundTrips() throws {
        var random = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let text = Self.randomText(&random)
            if let bytes = try? Base32.decode(text) {
                #expect(try Base32.decode(Base32.encode(bytes)) == bytes, "\(text)")
            }
        }
    }

    @Test func recoveryCodesNeverCrashAndRoundTrip() throws {
        var random = SplitMix64(seed: 12)
        for _ in 0..<20_000 {
            let text = Self.randomText(&random)
            if let code = try? RecoveryCode(parsing: text) {
                #expect(try RecoveryCode(parsing: code.grouped) == code)
            }
        }
    }

    @Test func keyURIsNeverCrashAndRoundTrip() throws {
        var random = SplitMix64(seed: 13)
        var accepted = 0
        for _ in 0..<20_000 {
            let text = "otpauth://totp/" + Self.randomText(&random) + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&" + Self.randomText(&random)
            if let uri = try? OTPAuthURI(parsing: text) {
                accepted += 1
                #expect(try OTPAuthURI(parsing: uri.uriString) == uri, "\(text)")
            }
        }
        #expect(accepted > 100)
    }

    @Test func verificationNeverCrashesOnTypedText() throws {
        var random = SplitMix64(seed: 14)
        let totp = try TOTP(secret: OTPSecret.generate())
        for _ in 0..<5_000 {
            let text = Self.randomText(&random)
            _ = try? totp.verify(text, at: Int64(random.next() >> 2), lastAcceptedStep: random.next())
        }
    }
}
