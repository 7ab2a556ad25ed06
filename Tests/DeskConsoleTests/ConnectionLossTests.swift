@testable import DeskConsole
import TOTPCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// A lost connection: a clear message, a reconnect before the next command, and a disable that
/// was in flight looked up by its request id instead of being repeated. Nothing is half-done.
@Suite struct ConnectionLossTests {
    /// Waits until `role` has a backend waiting for a lock, and returns its pid.
    static func waitForLockWait(_ admin: PGConnection, role: String) throws -> Int32 {
        for _ in 0..<400 {
            let rows = try admin.query(
                "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'", [role]).rows
            if let row = rows.first { return try row.decode(Int32.self, at: 0) }
            Thread.sleep(forTimeInterval: 0.025)
        }
        throw PGError(.server, message: "\(role) never waited for the lock")
    }

    /// Jane, enrolled and already matched by a new agent, and a connection holding the audit
    /// member's support guard row in an open transaction: that agent's disable will wait inside its own transaction
    /// until the holder rolls back, long enough to cut it off.
    static func disableThatWillWait(_ fixture: PortalFixture) throws -> (EnrolledMember, String, PGConnection) {
        try fixture.customer()
        let jane = try fixture.enrolledMember("jane@acme.example")
        let role = try fixture.agentRole("kim")
        let agent = try fixture.connect(as: role)
        defer { agent.connection.close() }
        #expect(try agent.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped).outcome == .match)
        let holder = try fixture.database.connect()
        try holder.holdSupportGuard(memberID: jane.memberID)
        return (jane, role, holder)
    }

    @Test func aDisableCutOffMidwayIsLookedUpNotRepeated() throws {
        try withPortalFixture { fixture in
            let (_, role, holder) = try Self.disableThatWillWait(fixture)
            defer { holder.close() }
            let uri = fixture.database.uri(user: role)
            let admin = try fixture.database.connect()
            defer { admin.close() }
            let adminURI = fixture.database.uri()

            let results = concurrently(2) { index -> [String] in
                if index == 1 {
                    let killer = try PGConnection(adminURI)
                    defer { killer.close() }
                    let pid = try Self.waitForLockWait(killer, role: role)
                    _ = try killer.query("SELECT pg_terminate_backend($1::int)", [pid])
                    return []
                }
                let session = ConsoleSession(
                    link: DatabaseLink(connection: try PGConnection(uri)),
                    settings: ConsoleSettings(interactive: true, times: TimeText(timeZone: TimeZone(identifier: "UTC")!)))
                try session.start()
                var source = ScriptLines([
                    "disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1 --yes",
                    "show jane@acme.example --events 0",
                ])
                var output = CapturedOutput()
                #expect(session.run(&source, &output) == .success)
                return output.errors + output.lines
            }
            _ = try holder.query("ROLLBACK")
            let transcript = try results[0].get()
            _ = try results[1].get()
            #expect(transcript.contains("Lost the connection to the server."), "\(transcript)")
            #expect(transcript.contains { $0.hasPrefix("Reconnected to ") })
            #expect(transcript.contains("The earlier disable-2fa jane@acme.example did not go through: nothing changed; run it again if it is still wanted."))
            #expect(transcript.contains { $0.hasPrefix("2FA                  active since") })
            #expect(transcript.contains { $0.hasPrefix("Your code check      matched") }, "the match was not used up either")
            let events = try admin.query("SELECT count(*) FROM portal.audit_events WHERE action LIKE '2fa_disabled%'").single().decode(Int64.self, at: 0)
            #expect(events == 0)
        }
    }

    /// The client loses the connection but the server does not notice (a network cut): the old
    /// session would commit the disable as soon as its lock came free. The console ends that
    /// session before it looks the request up, so "did not go through" stays true.
    @Test func aDisableCutOffOnTheClientSideIsEndedBeforeTheLookUp() throws {
        try withPortalFixture { fixture in
            let (jane, role, holder) = try Self.disableThatWillWait(fixture)
            defer { holder.close() }
            let uri = fixture.database.uri(user: role)
            let adminURI = fixture.database.uri()
            let consoleSocket = Mutex<Int32>(-1)

            let results = concurrently(2) { index -> [String] in
                if index == 1 {
                    let watcher = try PGConnection(adminURI)
                    defer { watcher.close() }
                    _ = try Self.waitForLockWait(watcher, role: role)
                    _ = shutdown(consoleSocket.withLock { $0 }, Int32(SHUT_RDWR))   // the network goes; the server keeps waiting
                    return []
                }
                let connection = try PGConnection(uri)
                consoleSocket.withLock { $0 = connection.socketDescriptor }
                let session = ConsoleSession(link: DatabaseLink(connection: connection), settings: ConsoleSettings(interactive: true))
                try session.start()
                var source = ScriptLines(["disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1 --yes"])
                var output = CapturedOutput()
                _ = session.run(&source, &output)
                return output.errors + output.lines
            }
            _ = try results[1].get()
            let transcript = try results[0].get()
            #expect(transcript.contains("The earlier disable-2fa jane@acme.example did not go through: nothing changed; run it again if it is still wanted."), "\(transcript)")
            _ = try holder.query("ROLLBACK")     // the lock comes free: a surviving session would now commit
            Thread.sleep(forTimeInterval: 0.5)
            let state = try fixture.connection.query("SELECT state FROM portal.totp_credentials WHERE member_id = $1::bigint", [jane.memberID]).rows
            #expect(try state.first?.decode(String.self, at: 0) == "active")
            let disables = try fixture.connection.query("SELECT count(*) FROM portal.audit_events WHERE action LIKE '2fa_disabled%'").single().decode(Int64.self, at: 0)
            #expect(disables == 0)
        }
    }

    @Test func aDisableWhoseAnswerWasLostIsFoundByItsRequestID() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent("kim")
            let role = try agent.whoami().agent
            defer { agent.connection.close() }
            _ = try agent.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let requestID = UUID()
            let event = try agent.disable(memberID: jane.memberID, reason: "lost phone, code read", ticket: "SUP-1", requestID: requestID)

            // The console sent that request, and its connection died before the answer came.
            let connection = try PGConnection(fixture.database.uri(user: role))
            let session = ConsoleSession(link: DatabaseLink(connection: connection), settings: ConsoleSettings(interactive: true))
            try session.start()
            session.state.requestInFlight = RequestInFlight(id: requestID, description: "disable-2fa jane@acme.example", member: "jane@acme.example", session: nil)
            _ = try fixture.connection.query("SELECT pg_terminate_backend($1::int)", [connection.backendPID])
            var source = ScriptLines(["whoami", "whoami"])
            var output = CapturedOutput()
            #expect(session.run(&source, &output) == .success)
            #expect(output.errors.contains("The earlier disable-2fa jane@acme.example did go through before the connection dropped: audit event #\(event.seq)."), "\(output.errors)")
            #expect(session.state.requestInFlight == nil)
            // The first whoami, typed while the connection was dead, ran again after the reconnect.
            #expect(output.lines.filter { $0.hasPrefix("Agent") }.count == 2)
        }
    }

    /// An interactive console session as agent kim, started, whose server session was then ended:
    /// the next command finds the connection dead.
    static func interactiveSessionWhoseServerDied(_ fixture: PortalFixture) throws -> ConsoleSession {
        let connection = try PGConnection(fixture.database.uri(user: try fixture.agentRole("kim")))
        let session = ConsoleSession(link: DatabaseLink(connection: connection), settings: ConsoleSettings(interactive: true))
        try session.start()
        _ = try fixture.connection.query("SELECT pg_terminate_backend($1::int)", [connection.backendPID])
        return session
    }

    /// Issue 14: a look-up typed when the connection had just died was lost, and the agent had
    /// to type it again. It now runs again once the console has reconnected; the agent is told.
    @Test func aLookUpTypedOnADeadConnectionRunsAfterTheReconnect() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.member("john@acme.example", name: "John Smith")
            let session = try Self.interactiveSessionWhoseServerDied(fixture)
            var source = ScriptLines(["find john"])
            var output = CapturedOutput()
            #expect(session.run(&source, &output) == .success)
            #expect(output.errors.contains { $0.contains("Running `find` again on the new connection") }, "\(output.errors)")
            #expect(output.lines.contains { $0.contains("john@acme.example") }, "\(output.lines)")
            #expect(session.state.lastFind.map(\.email) == ["john@acme.example"])
        }
    }

    /// A disable whose connection died before it was sent (its words were still being checked)
    /// says plainly that nothing changed, instead of sending the agent to `show` (a second
    /// hostile review found the uncertain sentence at 3 a.m. for a disable that never left).
    @Test func aDisableLostBeforeItWasSentSaysNothingChanged() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let session = try Self.interactiveSessionWhoseServerDied(fixture)
            var source = ScriptLines(["disable-2fa #\(jane.memberID) --reason 'lost phone, code read' --ticket SUP-1 --yes"])
            var output = CapturedOutput()
            _ = session.run(&source, &output)
            #expect(output.errors.contains { $0.contains("was not sent: the connection was lost before it, so nothing changed") }, "\(output.errors)")
            #expect(!output.errors.contains { $0.contains("`show` tells") }, "\(output.errors)")
        }
    }

    /// A change is never run again by itself: a verify typed on a dead connection is reported
    /// lost and left for the agent to decide, even though the console reconnects.
    @Test func aChangeTypedOnADeadConnectionIsNotRunAgain() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let session = try Self.interactiveSessionWhoseServerDied(fixture)
            var source = ScriptLines(["verify jane@acme.example \(jane.recoveryCodes[0].grouped)", "whoami"])
            var output = CapturedOutput()
            #expect(session.run(&source, &output) == .success)
            #expect(!output.errors.contains { $0.contains("again on the new connection") }, "\(output.errors)")
            #expect(!output.lines.contains { $0.contains("Code accepted") }, "\(output.lines)")
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.recovery_checks").single().decode(Int64.self, at: 0) == 0)
            #expect(output.lines.filter { $0.hasPrefix("Agent") }.count == 1)
        }
    }

    @Test func aBatchThatLosesItsConnectionExitsTwo() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let role = try fixture.agentRole("kim")
            let connection = try PGConnection(fixture.database.uri(user: role))
            let session = ConsoleSession(link: DatabaseLink(connection: connection), settings: ConsoleSettings(interactive: false))
            try session.start()
            _ = try fixture.connection.query("SELECT pg_terminate_backend($1::int)", [connection.backendPID])
            var source = ScriptLines(["whoami", "whoami"])
            var output = CapturedOutput()
            #expect(session.run(&source, &output) == .connection)
            #expect(output.errors.first?.hasPrefix("-:1: error: ") == true, "\(output.errors)")
            #expect(output.lines.isEmpty)
        }
    }
}
