import DeskDatabase
import Foundation
import HTTPTypes
import PGClient
import PortalCore
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// Sign-in page by page: password, code, recovery code, replays and the lockout, with the
/// session cookie and what the database keeps of it.
@Suite(.serialized) struct SignInRouteTests {
    @Test func aMemberWithoutTwoFactorIsSignedInByThePassword() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let browser = world.browser(userAgent: "Route\u{1}Test/2.0")
            let form = try await browser.get("/sign-in")
            #expect(form.status == 200)
            #expect(form.contains("Sign in"))
            let signedIn = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)])
            #expect(signedIn.status == 303)
            #expect(signedIn.location == "/security")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("__Host-sd_session=") })
            for flag in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] { #expect(cookie.contains(flag), "\(flag) in \(cookie)") }
            #expect(!cookie.contains("Domain"))
            let security = try await browser.get("/security")
            #expect(security.status == 200)
            #expect(security.contains("Not enabled"))
            #expect(security.contains("Set Up"))

            // Only the token's hash is stored, with where the sign-in came from.
            let token = try #require(browser.cookies["__Host-sd_session"])
            let stored = try world.sql { connection in
                try connection.query("SELECT token_hash, user_agent FROM portal.web_sessions").rows
            }
            #expect(stored.count == 1)
            #expect(try stored[0].decode([UInt8].self, column: "token_hash") == SessionToken(cookie: token)!.hash)
            let agent = try #require(try stored[0].decode(String?.self, column: "user_agent"))
            #expect(agent.hasSuffix("Test/2.0") && !agent.unicodeScalars.contains { $0.value < 0x20 }, "\(agent)")
            let signIns = try world.sql { try $0.query("SELECT method FROM portal.sign_ins").rows.map { try $0.decode(String.self, at: 0) } }
            #expect(signIns == ["password"])
        }
    }

    @Test func aCodeIsAskedForAndAReplayedCodeIsRefused() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            return try fixture.enrolledMember("jane@acme.example")
        }) { world, jane in
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            let password = try await browser.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
            #expect(password.location == "/sign-in/code")
            let codePage = try await browser.get("/sign-in/code")
            #expect(codePage.contains("Open your authenticator app and enter the 6-digit code"))
            #expect(codePage.contains("Use a recovery code instead"))
            // The code step's session opens nothing else.
            #expect(try await browser.get("/security").location == "/sign-in/code")

            let wrong = try await browser.post("/sign-in/code", [("code", "000000")])
            #expect(wrong.status == 200)
            #expect(wrong.contains("That code is not right"))

            let code = try world.nextCode(jane)
            let before = browser.cookies["__Host-sd_session"]
            let signedIn = try await browser.post("/sign-in/code", [("code", code)])
            #expect(signedIn.location == "/security")
            #expect(browser.cookies["__Host-sd_session"] != before, "the token changes when the sign-in completes")
            #expect(try await browser.get("/security").contains("Active"))

            // The same code again, in another browser, is a replay.
            let thief = world.browser()
            _ = try await thief.get("/sign-in")
            _ = try await thief.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
            _ = try await thief.get("/sign-in/code")
            let replay = try await thief.post("/sign-in/code", [("code", code)])
            #expect(replay.contains("That code was already used"))
        }
    }

    @Test func aRecoveryCodeSignsInOnce() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            return try fixture.enrolledMember("jane@acme.example")
        }) { world, jane in
            for attempt in 0..<2 {
                let browser = world.browser()
                _ = try await browser.get("/sign-in")
                _ = try await browser.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
                _ = try await browser.get("/sign-in/recovery")
                let page = try await browser.post("/sign-in/recovery", [("recovery_code", jane.recoveryCodes[0].grouped)])
                if attempt == 0 {
                    #expect(page.location == "/security")
                } else {
                    #expect(page.contains("That is not one of your unused recovery codes"))
                }
            }
        }
    }

    @Test func wrongPasswordsLockSignInWith429() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            var last: WebPage?
            for _ in 0..<5 {
                last = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", "not the password")])
            }
            #expect(last?.contains("The email address or password is not right") == true || last?.status == 429)
            let locked = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)])
            #expect(locked.status == 429)
            #expect(locked.contains("locked until"))
        }
    }

    @Test func aPhoneFourMinutesFastIsToldToSupport() async throws {
        try await withWebPortal(prepare: { fixture -> (EnrolledMember, String) in
            try fixture.customer()
            return (try fixture.enrolledMember("jane@acme.example"), try fixture.agentRole())
        }) { world, setup in
            let (jane, agent) = setup
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            _ = try await browser.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
            _ = try await browser.get("/sign-in/code")
            let fast = try world.nextCode(jane, aheadSeconds: 240)
            #expect(try await browser.post("/sign-in/code", [("code", fast)]).contains("That code is not right"))

            // Only the offset is stored, never the code.
            let stored = try world.sql { connection in
                try connection.query("SELECT clock_offset_steps FROM portal.login_failures WHERE code_failure").rows
                    .map { try $0.decode(Int?.self, at: 0) }
            }
            #expect(stored == [8])
            let support = try SupportAPI(connection: world.database.connect(user: agent))
            defer { support.connection.close() }
            let detail = try support.detail(memberID: jane.memberID)
            #expect(detail.codeClock?.diagnosis == "last failed sign-ins: the codes match the app 4 minutes ahead — the phone's clock is wrong")
        }
    }
}
