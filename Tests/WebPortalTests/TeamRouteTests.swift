import DeskDatabase
import Foundation
import HTTPTypes
import PGClient
import PortalCore
import Testing
import TestSupport

/// The Team page: administrators only; mandatory 2FA sends members without it to set-up.
@Suite(.serialized) struct TeamRouteTests {
    @Test func anAdministratorForcesMandatoryTwoFactor() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("boss@acme.example", name: "Bo Boss", role: .administrator)
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let admin = world.browser()
            _ = try await admin.get("/sign-in")
            _ = try await admin.post("/sign-in", [("email", "boss@acme.example"), ("password", PortalFixture.password)])
            let team = try await admin.get("/team")
            #expect(team.status == 200)
            #expect(team.contains("jane@acme.example"))
            #expect(team.contains("Force Mandatory 2FA"))
            #expect(try await admin.post("/team/mandatory", [("mandatory", "on")]).location == "/team")
            #expect(try world.sql { try $0.query("SELECT mandatory_2fa FROM portal.customers").single().decode(Bool.self, at: 0) })

            // Jane has no 2FA: after the password she may only set it up.
            let jane = world.browser()
            _ = try await jane.get("/sign-in")
            #expect(try await jane.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)]).location == "/security")
            let security = try await jane.get("/security")
            #expect(security.contains("requires two-factor authentication"))
            #expect(try await jane.get("/team").location == "/security")

            // The administrator, signed in before, is held to set-up too.
            #expect(try await admin.get("/team").location == "/security")
        }
    }

    @Test func aMemberDoesNotSeeTeamAndAForgedPostIsRefusedByTheDatabase() async throws {
        try await withWebPortal(prepare: { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
        }) { world, _ in
            let jane = world.browser()
            _ = try await jane.get("/sign-in")
            _ = try await jane.post("/sign-in", [("email", "jane@acme.example"), ("password", PortalFixture.password)])
            let security = try await jane.get("/security")
            #expect(!security.contains("href=\"/team\""))
            let forged = try await jane.post("/team/mandatory", [("mandatory", "on")])
            #expect(forged.status == 403)
            #expect(forged.contains("Only an administrator"))
            #expect(try await jane.get("/team").status == 403)
            let mandatory = try world.sql { try $0.query("SELECT mandatory_2fa FROM portal.customers").single().decode(Bool.self, at: 0) }
            #expect(!mandatory)
        }
    }
}
