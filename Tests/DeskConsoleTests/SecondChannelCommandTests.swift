import DeskDatabase
import Foundation
import PGClient
import ProcessTesting
import Testing
import TestSupport
import TOTPCore

/// `send-code`, `verify --email-code` and what a disable prints, through the real executable.
@Suite struct SecondChannelCommandTests {
    /// The code in the administrator's latest second-channel mail, read from the outbox.
    func mailedCode(_ fixture: PortalFixture) throws -> String {
        let body = try fixture.connection.query(
            "SELECT body FROM portal.notifications WHERE kind = 'email_code_sent' ORDER BY id DESC LIMIT 1").single().decode(String.self, at: 0)
        let range = try #require(body.range(of: #"\n  [0-9]{6}\n"#, options: .regularExpression))
        return body[range].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anAdministratorsDisableNeedsTheEmailedCodeAndSaysWhoWasTold() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            try fixture.member("bo@acme.example", name: "Bo Admin", role: .administrator)
            let uri = fixture.database.uri(user: try fixture.agentRole("kim"))
            let disable = "disable-2fa ada@acme.example --reason 'lost phone, code read' --ticket SUP-1"

            let refused = try BuiltProduct.run("support-desk", [
                "--db", uri, "-c", "verify ada@acme.example \(ada.recoveryCodes[0].grouped)", "-c", disable])
            #expect(refused.status == 3)
            #expect(refused.standardError.contains("-c:2: error: ada@acme.example needs a second channel: run send-code ada@acme.example"),
                    "\(refused.standardError)")

            let sent = try BuiltProduct.run("support-desk", ["--db", uri, "--format", "json", "-c", "send-code ada@acme.example"])
            #expect(sent.status == 0 && sent.standardOutput.contains(#""recipient":"ada@acme.example""#), "\(sent.standardError)")
            let code = try mailedCode(fixture)
            #expect(!sent.standardOutput.contains(code))
            let wrong = code == "000000" ? "111111" : "000000"
            let mismatch = try BuiltProduct.run("support-desk", [
                "--db", uri, "-c", "verify ada@acme.example \(ada.recoveryCodes[1].grouped) --email-code \(wrong)"])
            #expect(mismatch.status == 3 && mismatch.standardError.contains("the emailed code is wrong"), "\(mismatch.standardError)")

            let done = try BuiltProduct.run("support-desk", [
                "--db", uri, "-c", "verify ada@acme.example \(ada.recoveryCodes[2].grouped) --email-code \(code)", "-c", disable])
            #expect(done.status == 0, "\(done.standardError)")
            #expect(done.standardOutput.contains("Notified: ada@acme.example (member), bo@acme.example (administrator)."), "\(done.standardOutput)")

            let shown = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "show ada@acme.example"])
            #expect(shown.standardOutput.contains("Disputes") && shown.standardOutput.contains("can be disputed until"))
            #expect(shown.standardOutput.contains("Notifications") && shown.standardOutput.contains("bo@acme.example"))
        }
    }
}
