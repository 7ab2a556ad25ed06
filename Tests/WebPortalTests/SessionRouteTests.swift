import DeskDatabase
import Foundation
import HTTPTypes
import PGClient
import PortalCore
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// Sessions end on sign-out, everywhere, when idle, and when support disables 2FA.
@Suite(.serialized) struct SessionRouteTests {
    @Test func signOutAndSignOutEverywhere() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let one = world.browser(), two = world.browser(), three = world.browser()
            for browser in [one, two, three] {
                _ = try await browser.get("/sign-in")
                _ = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)])
                _ = try await browser.get("/security")
            }
            let out = try await one.post("/sign-out", [])
            #expect(out.location == "/sign-in?notice=signed-out")
            #expect(one.cookies["__Host-sd_session"] == nil)
            #expect(try await two.get("/security").status == 200)
            #expect(try await two.post("/sign-out-everywhere", []).location == "/sign-in?notice=signed-out-everywhere")
            #expect(try await three.get("/security").location == "/sign-in")
            // A form from a page of the ended session is refused with a page that says so.
            let stale = try await three.post("/security/setup", [])
            #expect(stale.status == 403)
            #expect(stale.contains("Your session has ended"))
        }
    }

    @Test func anIdleSessionExpires() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            _ = try await browser.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)])
            _ = try world.sql { try $0.query("UPDATE portal.web_sessions SET last_seen_at = last_seen_at - interval '31 minutes'") }
            #expect(try await browser.get("/security").location == "/sign-in")
            #expect(try world.sql { try $0.query("SELECT count(*) FROM portal.web_sessions").single().decode(Int.self, at: 0) } == 0)
        }
    }

    @Test func aSupportDisableEndsTheMembersSessionsInTheSameTransaction() async throws {
        try await withWebPortal(prepare: { fixture -> (EnrolledMember, String) in
            try fixture.customer()
            return (try fixture.enrolledMember("jane@acme.example"), try fixture.agentRole())
        }) { world, setup in
            let (jane, agent) = setup
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            _ = try await browser.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)])
            _ = try await browser.get("/sign-in/code")
            _ = try await browser.post("/sign-in/code", [("code", try world.nextCode(jane))])
            #expect(try await browser.get("/security").status == 200)

            let support = try SupportAPI(connection: world.database.connect(user: agent))
            defer { support.connection.close() }
            #expect(try support.verify(memberID: jane.memberID, code: jane.recoveryCodes[1].grouped).outcome == .match)
            // A disable that rolls back leaves the session; one that commits ends it with the credential.
            struct RolledBack: Error {}
            #expect(throws: RolledBack.self) {
                try support.connection.transaction { _ in
                    _ = try support.disable(memberID: jane.memberID, reason: "lost phone, code read out", ticket: "SUP-1", requestID: UUID())
                    throw RolledBack()
                }
            }
            #expect(try await browser.get("/security").status == 200)
            _ = try support.disable(memberID: jane.memberID, reason: "lost phone, code read out", ticket: "SUP-1", requestID: UUID())
            #expect(try await browser.get("/security").location == "/sign-in")
            // The member signs in with the password alone now.
            let again = world.browser()
            _ = try await again.get("/sign-in")
            #expect(try await again.post("/sign-in", [("email", jane.email), ("password", PortalFixture.password)]).location == "/security")
        }
    }
}
