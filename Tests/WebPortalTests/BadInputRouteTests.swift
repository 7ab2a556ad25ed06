import DeskDatabase
import Foundation
import HTTPTypes
import PGClient
import PortalCore
import Testing
import TestSupport

/// What the portal answers to odd requests: a page with the right status, never a 500, and
/// the security headers on every page.
@Suite(.serialized) struct BadInputRouteTests {
    @Test func oddRequestsGetClearPages() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let browser = world.browser()
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == 404)
            #expect(missing.contains("No such page"))

            _ = try await browser.get("/sign-in")
            let token = try #require(browser.csrfToken)
            let noCSRF = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)], csrf: .some(nil))
            #expect(noCSRF.status == 403)
            #expect(noCSRF.contains("This form has expired"))
            let wrongCSRF = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", "x")], csrf: "forged")
            #expect(wrongCSRF.status == 403)

            let huge = try await browser.send("/sign-in", method: .post, body: Array(repeating: UInt8(ascii: "a"), count: 64 * 1024),
                                              contentType: "application/x-www-form-urlencoded")
            #expect(huge.status == 413)
            let notUTF8 = try await browser.send("/sign-in", method: .post, body: Array("csrf=\(token)&email=%FF%FE&password=x".utf8),
                                                 contentType: "application/x-www-form-urlencoded")
            #expect(notUTF8.status == 400)
            let badEscape = try await browser.send("/sign-in", method: .post, body: Array("csrf=\(token)&email=%Z".utf8),
                                                   contentType: "application/x-www-form-urlencoded")
            #expect(badEscape.status == 400)
            _ = try await browser.get("/sign-in")
            let noPassword = try await browser.post("/sign-in", [("email", "jane@acme.example")])
            #expect(noPassword.status == 400)
            #expect(noPassword.contains("missing the password"))
            let json = try await browser.send("/sign-in", method: .post, body: Array("{}".utf8), contentType: "application/json")
            #expect(json.status == 400)
            let put = try await browser.send("/sign-in", method: .put, body: nil, contentType: nil)
            #expect(put.status == 405, "a page that exists, asked the wrong way")
            let getOnPostOnly = try await browser.send("/sign-out", method: .get, body: nil, contentType: nil)
            #expect(getOnPostOnly.status == 405)
            let nowhere = try await browser.send("/no-such-page", method: .put, body: nil, contentType: nil)
            #expect(nowhere.status == 404)

            for page in [missing, noCSRF, huge, notUTF8, put] {
                #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
                #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(page.header("X-Content-Type-Options") == "nosniff")
                #expect(page.header("Referrer-Policy") == "no-referrer")
                #expect(page.status < 500)
            }
        }
    }

    @Test func healthAnswersFromTheDatabase() async throws {
        try await withWebPortal(prepare: { _ in }) { world, _ in
            let health = try await world.browser().get("/healthz")
            #expect(health.status == 200)
            #expect(health.body == "ok\n")
            let css = try await world.browser().get("/static/portal.css")
            #expect(css.header("Content-Type") == "text/css; charset=utf-8")
        }
    }
}
