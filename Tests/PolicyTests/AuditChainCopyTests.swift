import Foundation
import PGClient
import DeskDatabase
import SupportClient
import Testing
import TestSupport

/// Migration 0091: `log verify` copies `support.audit_chain_rows` (issue 10). The view is the one
/// relation an agent's role can read: supervisors only, SELECT only, the cursor's very rows.
@Suite("The audit chain by COPY")
struct AuditChainCopyTests {
    @Test("supervisors may read the chain's view and nothing more; agents may not read it at all")
    func onlySupervisorsReadAndNobodyWrites() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            _ = try fixture.enrolledMember("jane@acme.example")
            _ = try fixture.chainAuditEvents()
            let kim = try fixture.agent("kim")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { kim.connection.close(); boss.connection.close() }
            #expect(try boss.connection.query("SELECT count(*) FROM support.audit_chain_rows").single().decode(Int64.self, at: 0) > 0)
            func refused(_ connection: PGConnection, _ sql: String) -> Bool {
                do { try connection.query(sql); return false } catch { return error.sqlState?.rawValue == "42501" }
            }
            #expect(refused(kim.connection, "SELECT count(*) FROM support.audit_chain_rows"))
            #expect(refused(kim.connection, "COPY (SELECT * FROM support.audit_chain_rows) TO STDOUT"))
            // A simple view is updatable by whoever may: supervisors may not.
            #expect(refused(boss.connection, "UPDATE support.audit_chain_rows SET reason = 'rewritten'"))
            #expect(refused(boss.connection, "DELETE FROM support.audit_chain_rows"))
            #expect(refused(boss.connection, "INSERT INTO support.audit_chain_rows (seq) VALUES (999)"))
        }
    }

    @Test("the COPY and the cursor read the same chain, and log verify by COPY catches an altered event")
    func copyAndCursorAgree() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            for index in 0..<30 { _ = try fixture.enrolledMember("m\(index)@acme.example") }
            _ = try fixture.chainAuditEvents()
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            let head = try boss.chainHead()
            var byCopy = AuditChainVerifier(head: head), byCursor = AuditChainVerifier(head: head)
            try boss.verifyChain(&byCopy)
            try boss.forEachChainLink { link in try byCursor.check(link) }
            #expect(try byCopy.finish() == byCursor.finish() && byCopy.lastVerified == byCursor.lastVerified)
            // The owner rewrites one event's target: the copy's recomputed hash no longer matches.
            try fixture.connection.executeScript("""
                ALTER TABLE portal.audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE portal.audit_events SET target = 'someone else' WHERE seq = 5;
                """)
            var tampered = AuditChainVerifier(head: head)
            #expect(throws: AuditChainProblem.wrongHash(seq: 5)) { try boss.verifyChain(&tampered) }
        }
    }
}
