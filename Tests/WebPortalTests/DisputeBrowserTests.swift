import DeskDatabase
import Foundation
import PGClient
import PortalCore
import ProcessTesting
import Testing
import TestSupport
import TOTPCore

/// Runs Tests/Browser/dispute_browser_test.py: an agent's disable, the notices mailed by `portal
/// notify` through msmtp to a real SMTP server on loopback, the dispute link read from the mail and
/// confirmed in Chromium, the member back on 2FA with the same app, and the dispute first in a
/// supervisor's review.
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
            let supervisor = try fixture.agentRole("boss", supervisor: true)
            let web = "portal_web_\(UUID().uuidString.prefix(8).lowercased())"
            try fixture.connection.query("CREATE ROLE \(web) LOGIN IN ROLE portal_app")
            let output = try ProcessRunner.run("python3", [ClusterScript.repositoryRoot + "/Tests/Browser/dispute_browser_test.py"], environment: [
                "PORTAL_BIN": BuiltProduct.path("portal"),
                "SUPPORT_DESK_BIN": BuiltProduct.path("support-desk"),
                "PORTAL_DB": fixture.database.uri(user: web),
                "AGENT_DB": fixture.database.uri(user: agent),
                "SUPERVISOR_DB": fixture.database.uri(user: supervisor),
                "MAIL_SINK": ClusterScript.repositoryRoot + "/scripts/mail-sink",
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
