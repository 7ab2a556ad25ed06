import Testing
@testable import TOTPCore

@Suite struct OTPAuthURITests {
    let hello = try! OTPSecret(base32: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    @Test func buildsTheCanonicalFormWithDefaultsOmitted() throws {
        let uri = try OTPAuthURI(secret: hello, accountName: "alice@example.com", issuer: "Example Hosting")
        #expect(uri.uriString == "otpauth://totp/Example%20Hosting:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example%20Hosting")
        #expect(!uri.uriString.contains("+"))
        #expect(uri.googleAuthenticatorCaveats.isEmpty)
    }

    @Test func nonDefaultParametersAreWrittenAndFlagged() throws {
        let uri = try OTPAuthURI(
            kind: .totp(period: 60), secret: hello, accountName: "bob", issuer: "A&B=C", algorithm: .sha512, digits: 8)
        #expect(uri.uriString == "otpauth://totp/A%26B%3DC:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=A%26B%3DC&algorithm=SHA512&digits=8&period=60")
        #expect(uri.googleAuthenticatorCaveats == [.algorithmIgnored(.sha512), .digitsIgnored(8), .periodIgnored(60)])
        #expect(try OTPAuthURI(parsing: uri.uriString) == uri)
    }

    @Test func roundTripsUnicodeAndHOTP() throws {
        let uri = try OTPAuthURI(kind: .hotp(counter: 42), secret: hello, accountName: "Zoë Ünal", issuer: "Société Générale")
        #expect(try OTPAuthURI(parsing: uri.uriString) == uri)
        #expect(uri.makeTOTP() == nil)
    }

    @Test func parsesTheKeyUriFormatExamples() throws {
        let google = try OTPAuthURI(parsing: "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example")
        #expect(google.issuer == "Example")
        #expect(google.accountName == "alice@google.com")
        let spaced = try OTPAuthURI(parsing: "otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        #expect(spaced.issuer == "Big Corporation")
        #expect(spaced.accountName == "alice@bigco.com")
        let bare = try OTPAuthURI(parsing: "OTPAUTH://TOTP/alice?secret=jbswy3dpehpk3pxpjbswy3dpehpk3pxp&algorithm=sha256&x-extra=1")
        #expect(bare.issuer == nil)
        #expect(bare.algorithm == .sha256)
        #expect(bare.kind == .totp(period: 30))
    }

    @Test func issuerFromParameterOnlyIsUsed() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acme")
        #expect(uri.issuer == "Acme")
    }

    @Test func plusIsNotASpace() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/A+B:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        #expect(uri.issuer == "A+B")
    }

    @Test(arguments: [
        ("https://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", OTPAuthURIError.notOTPAuth),
        ("otpauth://motp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", .unknownType("motp")),
        ("otpauth://totp/?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", .missingAccountName),
        ("otpauth://totp/A:?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", .missingAccountName),
        ("otpauth://totp/A:b:c?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", .colonInLabel("A:b:c")),
        ("otpauth://totp/A%ZZb?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", .badPercentEncoding("label")),
        ("otpauth://totp/a", .missingSecret),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP", .invalidSecret(.otp(.secretTooShort(length: 10)))),
        ("otpauth://totp/a?secret=JBSW1", .invalidSecret(.base32(.invalidCharacter("1", position: 4)))),
        ("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=B", .issuerMismatch(label: "A", parameter: "B")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=MD5", .unknownAlgorithm("MD5")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&digits=10", .invalidDigits("10")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&digits=+6", .invalidDigits("+6")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&period=0", .invalidPeriod("0")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&period=30s", .invalidPeriod("30s")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&period=99999999999999999999", .invalidPeriod("99999999999999999999")),
        ("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", .missingCounter),
        ("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&counter=-1", .invalidCounter("-1")),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&secret=AAAA", .duplicateParameter("secret")),
    ])
    func refusals(uri: String, error: OTPAuthURIError) {
        #expect(throws: error) { try OTPAuthURI(parsing: uri) }
    }

    @Test func leadingSpacesBeforeTheAccountAreNotPartOfIt() throws {
        let bare = try OTPAuthURI(parsing: "otpauth://totp/%20%20alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acme")
        #expect(bare.accountName == "alice")
        #expect(throws: OTPAuthURIError.accountNameStartsWithSpace(" bob")) {
            try OTPAuthURI(secret: hello, accountName: " bob", issuer: "Acme")
        }
    }

    @Test func buildingRefusesColonsAndEmptyNames() {
        #expect(throws: OTPAuthURIError.colonInLabel("a:b")) { try OTPAuthURI(secret: hello, accountName: "a:b", issuer: nil) }
        #expect(throws: OTPAuthURIError.missingAccountName) { try OTPAuthURI(secret: hello, accountName: "", issuer: "X") }
        #expect(throws: OTPAuthURIError.emptyIssuer) { try OTPAuthURI(secret: hello, accountName: "a", issuer: "") }
    }

    @Test func makesAWorkingTOTP() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8")
        #expect(try uri.makeTOTP()?.code(at: 59) == "94287082")
    }
}
