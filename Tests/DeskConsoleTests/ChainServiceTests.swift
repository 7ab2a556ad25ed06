import DeskDatabase
import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `portal chain` as the long-running service: it chains an event as soon as the transaction
/// that staged it commits, because it listens for the commit, not because it polls often.
@Suite struct ChainServiceTests {
    @Test func theServiceChainsACommitWithinAFewSecondsThoughItsPollIsAMinute() throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let uri = fixture.database.uri(user: try fixture.agentRole("sam", supervisor: true))
            let service = try BuiltProduct.start("portal", ["chain", "--interval", "60", "--db", fixture.database.uri()])
            defer {
                kill(service.pid, SIGTERM)
                _ = try? service.wait()
            }
            // The service has chained what was there (the enrolment) once it has started.
            #expect(try waitUntil(seconds: 10) { try stagedCount(fixture.connection) == 0 })

            let disabled = try BuiltProduct.run("support-desk", ["--db", uri, "-c",
                "disable-2fa \(jane.email) --override --reason 'caller verified by ID' --ticket SUP-9"])
            #expect(disabled.status == 0, "\(disabled.standardError)")
            // With a 60 s poll, only the LISTEN can make this happen in under 5 s.
            #expect(try waitUntil(seconds: 5) { try stagedCount(fixture.connection) == 0 })
            let verified = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log verify"])
            #expect(verified.status == 0)
            #expect(verified.standardOutput.contains("2 events recomputed here"), "\(verified.standardOutput)")
        }
    }

    private func stagedCount(_ connection: PGConnection) throws -> Int {
        try connection.query("SELECT count(*)::int FROM portal.audit_staging s WHERE NOT EXISTS (SELECT 1 FROM portal.audit_events e WHERE e.event_id = s.event_id)")
            .single().decode(Int.self, at: 0)
    }

    private func waitUntil(seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }
}
