@testable import DeskConsole
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport
import TOTPCore

/// A real failover (issue 15): a primary with a synchronous `pg_basebackup -R` standby, the
/// primary stopped as a crash would (`-m immediate`) in the middle of a disable, the standby
/// promoted. The console must say what happened, reconnect to the new primary, settle the
/// disable it was waiting for there, and leave nothing lost or duplicated.
@Suite(.serialized) struct FailoverTests {
    /// A member enrolled on the primary and the recovery codes they hold.
    struct Member {
        let memberID: Int64
        let email: String
        let recoveryCodes: [RecoveryCode]
    }

    /// A replicated cluster with enrolled members, an agent and a supervisor.
    struct World {
        let cluster: ReplicatedCluster
        let members: [Member]
        let agent: String
        let supervisor: String

        var primary: PGConnection { get throws { try PGConnection(cluster.primaryURI()) } }
    }

    func withWorld(members count: Int, _ body: (World) throws -> Void) throws {
        let cluster = try ReplicatedCluster()
        defer { cluster.stop() }
        let admin = try PGConnection(cluster.primaryURI())
        defer { admin.close() }
        let portal = PortalAPI(connection: admin, secrets: PortalFixture.secrets)
        _ = try portal.createCustomer(account: "MS-10442", name: "Acme Hosting Ltd")
        var members: [Member] = []
        for index in 1...count {
            let email = "m\(index)@acme.example"
            let id = try portal.addMember(account: "MS-10442", email: email, name: "Member \(index)", role: .member,
                                          phone: nil, passwordHash: PortalFixture.passwordHash)
            let totp = try #require(try portal.beginEnrolment(email: email).makeTOTP())
            let codes = try portal.confirmEnrolment(email: email, code: try totp.code(clock: SystemOTPClock()))
            members.append(Member(memberID: id, email: email, recoveryCodes: codes))
        }
        try portal.createAgent(name: "kim", supervisor: false)
        try portal.createAgent(name: "sam", supervisor: true)
        try cluster.waitForStandby()
        try body(World(cluster: cluster, members: members, agent: "kim", supervisor: "sam"))
    }

    /// Waits until a backend of `role` on the primary shows `waitEvent` (`Lock`, `SyncRep`).
    static func waitFor(_ waitEvent: String, role: String, on connection: PGConnection) throws {
        for _ in 0..<600 {
            let rows = try connection.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND (wait_event_type = $2 OR wait_event = $2)",
                                            [role, waitEvent]).rows
            if !rows.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.025)
        }
        throw PGError(.server, message: "\(role) never waited on \(waitEvent)")
    }

    /// After a failover, on the new primary: chain what is staged, then check the chain through
    /// the console, and count the disables.
    static func settle(_ world: World) throws -> (disables: Int, distinctRequests: Int, active: [String]) {
        let promoted = try PGConnection(world.cluster.standbyURI())
        defer { promoted.close() }
        try AuditChainer(connection: promoted).chainPending()
        let verify = try BuiltProduct.run("support-desk", ["--db", world.cluster.standbyURI(user: world.supervisor), "--format", "json", "-c", "log verify"])
        #expect(verify.status == 0 && verify.standardOutput.contains(#""verified":true"#), "\(verify.standardOutput)\(verify.standardError)")
        let counts = try promoted.query("""
            SELECT count(*)::int, count(DISTINCT request_id)::int FROM portal.audit_events WHERE action LIKE '2fa_disabled%'
            """).single()
        let active = try promoted.query("""
            SELECT m.email FROM portal.team_members m JOIN portal.totp_credentials t ON t.member_id = m.id
             WHERE t.state = 'active' ORDER BY m.email
            """).rows.map { try $0.decode(String.self, at: 0) }
        return (try counts.decode(Int.self, at: 0), try counts.decode(Int.self, at: 1), active)
    }

    /// A script stops at the disable in flight when the primary dies: it exits 2, and says, from
    /// the new primary, that the disable did not go through. Before the failover, a console on
    /// the standby (prefer-standby) is told writes need the primary.
    @Test func aBatchExitsTwoAndTheNewPrimaryHasExactlyWhatItSaid() throws {
        try withWorld(members: 4) { world in
            let standbyRun = try BuiltProduct.run("support-desk", [
                "--db", world.cluster.failoverURI(user: world.agent, attributes: "prefer-standby"), "--format", "json",
                "-c", "whoami", "-c", "find m1@acme.example"])
            #expect(standbyRun.status == 3)
            let standbyLines = standbyRun.standardOutput.split(separator: "\n")
            #expect(standbyLines.first?.hasPrefix(#"{"ok":true,"command":"whoami""#) == true, "look-ups that only read work on the standby")
            #expect(standbyLines.last?.contains(#""sqlstate":"25006""#) == true, "\(standbyRun.standardOutput)")
            #expect(standbyRun.standardError.contains("this server is a read-only standby"), "\(standbyRun.standardError)")
            #expect(standbyRun.standardError.contains("target_session_attrs=read-write"))

            // Every code is checked first (a check of m3 would wait on the held guard too); the
            // script is the disables.
            let agent = SupportAPI(connection: try PGConnection(world.cluster.primaryURI(user: world.agent)))
            for member in world.members {
                #expect(try agent.verify(memberID: member.memberID, code: member.recoveryCodes[0].grouped).outcome == .match)
            }
            agent.connection.close()
            var script = ""
            for (index, member) in world.members.enumerated() {
                script += "disable-2fa \(member.email) --reason 'lost phone, code read out' --ticket SUP-\(index + 1)\n"
            }
            let primary = try world.primary
            let holder = try world.primary
            try holder.holdSupportGuard(memberID: world.members[2].memberID)
            let console = try BuiltProduct.start("support-desk", [
                "--db", world.cluster.failoverURI(user: world.agent), "--format", "json", "--reconnect-wait", "60"], input: script)
            try Self.waitFor("Lock", role: world.agent, on: primary)
            primary.close()
            try world.cluster.crashPrimary()
            holder.close()
            Thread.sleep(forTimeInterval: 1)        // the console is waiting for a server by now
            try world.cluster.promoteStandby()
            let output = try console.wait()

            #expect(output.status == 2, "\(output.standardError)")
            let lines = output.standardOutput.split(separator: "\n")
            #expect(lines.count == 3, "one JSON line per command run: \(output.standardOutput)")
            for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)") }
            #expect(lines.prefix(2).allSatisfy { $0.hasPrefix(#"{"ok":true,"command":"disable-2fa""#) })
            #expect(lines.last == #"{"ok":false,"command":"disable-2fa","error":{"sqlstate":null,"message":"lost the connection to the server"}}"#)
            let errors = output.standardError
            #expect(errors.contains("-:3: error: lost the connection to the server"), "\(errors)")
            #expect(errors.contains("support-desk: reconnecting (trying for up to 60 s)…"))
            #expect(errors.contains("support-desk: reconnected to portal on \(world.cluster.standbySocket):"), "\(errors)")
            #expect(errors.contains("the earlier disable-2fa m3@acme.example did not go through: nothing changed"), "\(errors)")

            let settled = try Self.settle(world)
            #expect(settled.disables == 2 && settled.distinctRequests == 2, "the two reported disables, once each")
            #expect(settled.active == ["m3@acme.example", "m4@acme.example"])
        }
    }

    /// Interactively, the disable was committed (on both servers) but its answer was lost with
    /// the primary: after the failover the console finds it on the new primary by its request id.
    @Test func interactiveReconnectsAndFindsADisableThatWentThrough() throws {
        try withWorld(members: 1) { world in
            let member = world.members[0]
            let agent = SupportAPI(connection: try PGConnection(world.cluster.primaryURI(user: world.agent)))
            _ = try agent.verify(memberID: member.memberID, code: member.recoveryCodes[0].grouped)
            let requestID = UUID()
            let event = try agent.disable(memberID: member.memberID, reason: "lost phone, code read out", ticket: "SUP-1", requestID: requestID)
            agent.connection.close()

            let session = ConsoleSession(
                link: DatabaseLink(connection: try PGConnection(world.cluster.failoverURI(user: world.agent))),
                settings: ConsoleSettings(interactive: true, reconnectWait: .seconds(60)))
            try session.start()
            session.state.requestInFlight = RequestInFlight(id: requestID, description: "disable-2fa \(member.email)", member: member.email, session: nil)
            try world.cluster.crashPrimary()
            let promoter = Thread { Thread.sleep(forTimeInterval: 1.5); _ = try? world.cluster.promoteStandby() }
            promoter.start()
            var source = ScriptLines(["whoami", "whoami"])
            var output = CapturedOutput()
            #expect(session.run(&source, &output) == .success)
            let errors = output.errors
            #expect(errors.first == "Lost the connection to the server.", "\(errors)")
            #expect(errors.contains("Reconnecting (trying for up to 60 s; Ctrl-C stops waiting)…"))
            #expect(errors.contains { $0.hasPrefix("Reconnected to portal on \(world.cluster.standbySocket):") && $0.hasSuffix("another server than before (a failover).") }, "\(errors)")
            #expect(errors.contains("The earlier disable-2fa \(member.email) did go through before the connection dropped: audit event #\(event.seq)."), "\(errors)")
            #expect(output.lines.filter { $0.hasPrefix("Agent") }.count == 2, "the lost whoami ran again, and the second, on the new primary")

            let settled = try Self.settle(world)
            #expect(settled.disables == 1 && settled.distinctRequests == 1)
            #expect(settled.active.isEmpty)
        }
    }

    /// The disable committed on the primary but never reached the standby (the WAL sender held
    /// still), so the console never heard back; the primary dies. On the new
    /// primary the disable is not there, and the console says so: nothing it reported is lost.
    @Test func interactiveReportsADisableTheStandbyNeverGotAsNotThrough() throws {
        try withWorld(members: 1) { world in
            let member = world.members[0]
            let agent = SupportAPI(connection: try PGConnection(world.cluster.primaryURI(user: world.agent)))
            _ = try agent.verify(memberID: member.memberID, code: member.recoveryCodes[0].grouped)
            agent.connection.close()
            // Handed to the thread that plays the failure, and used only there from then on.
            nonisolated(unsafe) let holder = try world.primary
            try holder.holdSupportGuard(memberID: member.memberID)
            nonisolated(unsafe) let watcher = try world.primary
            let sender = try world.cluster.walSenderPID()

            let results = concurrently(2) { index -> [String] in
                if index == 1 {
                    try Self.waitFor("Lock", role: world.agent, on: watcher)
                    kill(sender, SIGSTOP)                   // the primary stops sending WAL
                    _ = try holder.query("ROLLBACK")        // the disable goes on, commits, and waits for the standby
                    try Self.waitFor("SyncRep", role: world.agent, on: watcher)
                    watcher.close()
                    holder.close()
                    try world.cluster.crashPrimary(heldSender: sender)
                    Thread.sleep(forTimeInterval: 1)
                    try world.cluster.promoteStandby()
                    return []
                }
                let session = ConsoleSession(
                    link: DatabaseLink(connection: try PGConnection(world.cluster.failoverURI(user: world.agent))),
                    settings: ConsoleSettings(interactive: true, reconnectWait: .seconds(60)))
                try session.start()
                var source = ScriptLines([
                    "disable-2fa \(member.email) --reason 'lost phone, code read out' --ticket SUP-1 --yes",
                    "show \(member.email) --events 0",
                ])
                var output = CapturedOutput()
                #expect(session.run(&source, &output) == .success)
                return output.errors + output.lines
            }
            _ = try results[1].get()
            let transcript = try results[0].get()
            #expect(transcript.contains("Lost the connection to the server."), "\(transcript)")
            #expect(transcript.contains("The earlier disable-2fa \(member.email) did not go through: nothing changed; run it again if it is still wanted."), "\(transcript)")
            #expect(transcript.contains { $0.hasPrefix("2FA                  active since") }, "show ran on the new primary")

            let settled = try Self.settle(world)
            #expect(settled.disables == 0)
            #expect(settled.active == [member.email])
        }
    }
}
