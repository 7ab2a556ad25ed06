import DeskDatabase
import Foundation
import PGClient
import PortalCore
import ProcessTesting
import Testing
import TestSupport
import TOTPCore

/// Runs Tests/Browser/dispute_browser_test.py: an agent's disable, the dispute link taken from
/// the outbox and confirmed in Chromium, and the member back on 2FA with the same app.
@Suite struct DisputeBrowserTests {
    @Test func theRealOwnerUndoesADisableInABrowser() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
            let serversPortal = PortalAPI(connection: fixture.connection, secrets: try SecretBox(keyText: key))
            try fixture.member("jane@acme.example", name: "Jane Doe")
            let uri = try serversPortal.beginEnrolment(email: "jane@acme.example")
            let codes = try serversPortal.confirmEnrolment(email: "jane@acme.example", code: try uri.makeTOTP()!.code(clock: SystemOTPClock()))
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            let agent = try fixture.agentRole("kim")
            let web = "portal_web_\(UUID().uuidString.prefix(8).lowercased())"
            try fixture.connection.query("CREATE ROLE \(web) LOGIN IN ROLE portal_app")
            let output = try ProcessRunner.run("python3", [ClusterScript.repositoryRoot + "/Tests/Browser/dispute_browser_test.py"], environment: [
                "PORTAL_BIN": BuiltProduct.path("portal"),
                "SUPPORT_DESK_BIN": BuiltProduct.path("support-desk"),
                "PORTAL_DB": fixture.database.uri(user: web),
                "AGENT_DB": fixture.database.uri(user: agent),
                "ADMIN_DB": fixture.database.uri(),
                "MEMBER_PASSWORD": PortalFixture.password,
                "PORTAL_SECRET_KEY": key,
                "JANE_SECRET": Base32.encode(uri.secret.bytes),
                "JANE_RECOVERY_CODE": codes[0].grouped,
                "ARTIFACTS": ClusterScript.repositoryRoot + "/.build/browser-artifacts",
                "DATABASE_URL": "",
            ])
            #expect(output.status == 0, "\(output.standardOutput)\n\(output.standardError)")
            #expect(output.standardOutput.contains("dispute browser test: passed"))
        }
    }
}
