import DeskDatabase
import Foundation
import HTTPTypes
import PGClient
import PortalCore
import ProcessTesting
import Testing
import TestSupport
import TOTPCore

/// Runs Tests/Browser/portal_browser_test.py: Playwright for Python driving Debian's Chromium
/// against the real `portal serve` (started by the script) on a fresh migrated database, with
/// zbarimg reading the QR code and oathtool making codes. The screenshots stay in
/// `.build/browser-artifacts` for a person to look at.
@Suite struct BrowserTests {
    @Test func theMembersFlowsInARealBrowser() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example", name: "Jane Doe")
            // The administrator has 2FA already, enrolled under the server's key.
            let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
            let serversPortal = PortalAPI(connection: fixture.connection, secrets: try SecretBox(keyText: key))
            try fixture.member("boss@acme.example", name: "Bo Boss", role: .administrator)
            let bossURI = try serversPortal.beginEnrolment(email: "boss@acme.example")
            _ = try serversPortal.confirmEnrolment(email: "boss@acme.example", code: try bossURI.makeTOTP()!.code(clock: SystemOTPClock()))
            try fixture.member("bob@acme.example", name: "Bob Builder")
            let agent = try fixture.agentRole("kim")
            let web = "portal_web_\(UUID().uuidString.prefix(8).lowercased())"
            try fixture.connection.query("CREATE ROLE \(web) LOGIN IN ROLE portal_app")
            let artifacts = ClusterScript.repositoryRoot + "/.build/browser-artifacts"
            let output = try ProcessRunner.run("python3", [ClusterScript.repositoryRoot + "/Tests/Browser/portal_browser_test.py"], environment: [
                "PORTAL_BIN": BuiltProduct.path("portal"),
                "SUPPORT_DESK_BIN": BuiltProduct.path("support-desk"),
                "PORTAL_DB": fixture.database.uri(user: web),
                "AGENT_DB": fixture.database.uri(user: agent),
                "MEMBER_PASSWORD": PortalFixture.password,
                "PORTAL_SECRET_KEY": key,
                "BOSS_SECRET": Base32.encode(bossURI.secret.bytes),
                "ARTIFACTS": artifacts,
                "DATABASE_URL": "",
            ])
            #expect(output.status == 0, "\(output.standardOutput)\n\(output.standardError)")
            #expect(output.standardOutput.contains("browser tests: all passed"))
        }
    }
}
