import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport
import TOTPCore

/// The whole server goes down in the middle of a batch: the console exits 2, says the disable
/// it was waiting for has an unknown fate, and the database, once back, shows nothing half-done.
/// It needs a cluster of its own, since the shared one must stay up for every other test.
@Suite struct ServerKilledTests {
    @Test func aServerStoppedMidBatchExitsTwoAndLeavesNothingHalfDone() throws {
        let directory = NSTemporaryDirectory() + "sd-killed-\(UUID().uuidString.prefix(8))"
        let uri = try ClusterScript.run(["start", directory, "--ephemeral"]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? ClusterScript.run(["stop", directory, "--remove"]) }
        let admin = try PGConnection(uri)
        defer { admin.close() }
        _ = try MigrationRunner(migrations: MigrationSource.load(folder: ClusterScript.repositoryRoot + "/sql/migrations")).migrate(admin)

        let portal = PortalAPI(connection: admin, secrets: PortalFixture.secrets)
        _ = try portal.createCustomer(account: "MS-10442", name: "Acme Hosting Ltd")
        _ = try portal.addMember(account: "MS-10442", email: "jane@acme.example", name: "Jane Doe", role: .member,
                                 phone: nil, passwordHash: PortalFixture.passwordHash)
        let totp = try #require(try portal.beginEnrolment(email: "jane@acme.example").makeTOTP())
        let codes = try portal.confirmEnrolment(email: "jane@acme.example", code: try totp.code(clock: SystemOTPClock()))
        try portal.createAgent(name: "kim", supervisor: false)
        let agentURI = uri.replacingOccurrences(of: "user=postgres", with: "user=kim")
        let agent = SupportAPI(connection: try PGConnection(agentURI))
        let memberID = try agent.resolveMember("jane@acme.example")
        #expect(try agent.verify(memberID: memberID, code: codes[0].grouped).outcome == .match)
        agent.connection.close()

        let holder = try PGConnection(uri)
        try holder.holdSupportGuard(memberID: memberID)
        let console = try BuiltProduct.start("support-desk", ["--db", agentURI, "--reconnect-wait", "1"], input: """
            disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1
            show jane@acme.example

            """)
        _ = try ConnectionLossTests.waitForLockWait(admin, role: "kim")
        _ = try ClusterScript.run(["stop", directory])
        holder.close()
        let output = try console.wait()
        #expect(output.status == 2)
        #expect(output.standardError.contains("-:1: error: "), "\(output.standardError)")
        #expect(output.standardError.contains("whether disable-2fa jane@acme.example went through is unknown"), "\(output.standardError)")
        #expect(output.standardOutput.isEmpty)

        _ = try ClusterScript.run(["start", directory, "--ephemeral"])
        let after = try PGConnection(uri)
        defer { after.close() }
        let state = try after.query("SELECT state FROM portal.totp_credentials WHERE member_id = $1::bigint", [memberID]).rows
        #expect(try state.first?.decode(String.self, at: 0) == "active")
        let disables = try after.query("SELECT count(*) FROM portal.audit_events WHERE action LIKE '2fa_disabled%'").single().decode(Int64.self, at: 0)
        #expect(disables == 0)
    }
}
