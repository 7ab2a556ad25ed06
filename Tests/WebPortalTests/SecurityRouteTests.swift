import DeskDatabase
import Foundation
import HTTPTypes
import PGClient
import PortalCore
import Testing
import TestSupport
import TOTPCore

/// The Security page: set-up with a QR code, recovery codes shown once, Disable and New
/// recovery codes with a current code.
@Suite(.serialized) struct SecurityRouteTests {
    @Test func aMemberSetsUpTwoFactorFromTheSecurityPage() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            _ = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)])
            _ = try await browser.get("/security")
            #expect(try await browser.post("/security/setup", []).location == "/security/setup")
            let setup = try await browser.get("/security/setup")
            #expect(setup.status == 200)
            #expect(setup.header("Cache-Control") == "no-store")
            #expect(setup.contains("<svg"))
            let groups = try #require(WebPage.firstMatch(#"id="secret">([A-Z2-7 ]+)<"#, in: setup.body))
            let totp = try TOTP(secret: OTPSecret(bytes: Base32.decode(groups.replacingOccurrences(of: " ", with: ""))))

            #expect(try await browser.post("/security/setup/confirm", [("code", "123456")]).contains("That code is not right"))
            let codes = try await browser.post("/security/setup/confirm", [("code", try totp.code(at: world.clock.unixTime))])
            #expect(codes.status == 200)
            #expect(codes.header("Cache-Control") == "no-store")
            #expect(codes.contains("recovery-codes.txt"))
            let shown = codes.body.matches(of: /<code>([0-9A-Z-]+)<\/code>/).map { String($0.1) }
            #expect(shown.count == 10)
            #expect(try await browser.post("/security/codes-saved", [("saved", "yes")]).location == "/security")
            let security = try await browser.get("/security")
            #expect(security.contains("Active"))
            #expect(security.contains("New recovery codes"))
        }
    }

    @Test func disablingNeedsACurrentCodeAndEndsEverySession() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            return try fixture.enrolledMember("jane@acme.example")
        }) { world, jane in
            let phone = world.browser(), laptop = world.browser()
            for browser in [phone, laptop] {
                _ = try await browser.get("/sign-in")
                _ = try await browser.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
                _ = try await browser.get("/sign-in/code")
                _ = try await browser.post("/sign-in/code", [("code", try world.nextCode(jane))])
            }
            _ = try await laptop.get("/security")
            #expect(try await laptop.post("/security/disable", [("code", "000000")]).contains("That code is not right"))
            let off = try await laptop.post("/security/disable", [("code", try world.nextCode(jane))])
            #expect(off.contains("Two-factor authentication is off"))
            #expect(try await phone.get("/security").location == "/sign-in")
        }
    }

    @Test func newRecoveryCodesReplaceTheOldOnes() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            return try fixture.enrolledMember("jane@acme.example")
        }) { world, jane in
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            _ = try await browser.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
            _ = try await browser.get("/sign-in/code")
            _ = try await browser.post("/sign-in/code", [("code", try world.nextCode(jane))])
            _ = try await browser.get("/security")
            let page = try await browser.post("/security/recovery-codes", [("code", try world.nextCode(jane))])
            #expect(page.header("Cache-Control") == "no-store")
            let shown = page.body.matches(of: /<code>([0-9A-Z-]+)<\/code>/).map { String($0.1) }
            #expect(shown.count == 10)
            #expect(!shown.contains(jane.recoveryCodes[0].grouped))
        }
    }
}
