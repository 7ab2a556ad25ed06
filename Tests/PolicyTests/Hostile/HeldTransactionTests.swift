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

/// Issue 9, items 2 and 3: nothing an agent session holds open stops another agent, a
/// supervisor or the portal for more than a few seconds, and whoever holds it is named.
@Suite("Hostile agent: held transactions and locks")
struct HeldTransactionTests {
    /// Seconds a call took.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    @Test("an agent's open transaction after an audited call does not hold anyone else's writes")
    func openTransactionHoldsNoChain() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let priya = try fixture.enrolledMember("priya@acme.example", name: "Priya Patel")
            let eve = try fixture.hostileAgent()
            // Eve turns her own time-outs off and leaves a check of jane open.
            try eve.connection.executeScript("SET idle_in_transaction_session_timeout = 0; SET lock_timeout = 0; BEGIN")
            _ = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, strangersCode()])

            let kim = try fixture.agent("kim")
            try kim.connection.query("SET statement_timeout = '10s'")
            var check: RecoveryCheck?
            let took = try Self.seconds { check = try kim.verify(memberID: priya.memberID, code: priya.recoveryCodes[0].grouped) }
            #expect(check?.outcome == .match)
            #expect(took < 2, "another member's check waited \(took) s on eve's transaction")
            _ = try kim.disable(memberID: priya.memberID, reason: "caller lost the phone", ticket: "SUP-1", requestID: UUID())

            // The portal signs jane in (and records a failure) while eve holds her check open.
            var signIns: [LoginOutcome] = []
            let portalTook = try Self.seconds {
                signIns.append(try fixture.portal.login(email: jane.email, password: "wrong password"))
                signIns.append(try fixture.portal.login(email: jane.email, password: PortalFixture.password,
                                                        recoveryCode: jane.recoveryCodes[1].grouped))
            }
            #expect(signIns == [.wrongPassword, .signedIn(method: .recoveryCode)])
            #expect(portalTook < 2, "jane's sign-in waited \(portalTook) s on support")

            // The chainer chains what committed and leaves eve's open check for later.
            let chained = try fixture.chainAuditEvents()
            #expect(chained >= 4)
            try eve.connection.query("COMMIT")
            #expect(try fixture.chainAuditEvents() == 1)
            let supervisor = try fixture.agent("sam", supervisor: true)
            var verifier = AuditChainVerifier(head: try supervisor.chainHead(), anchor: nil)
            try supervisor.forEachChainLink { try verifier.check($0) }
            #expect(try verifier.finish() == Int64(try fixture.count("portal.audit_events")))
        }
    }

    @Test("a check of a member someone holds is refused within seconds, naming the holder")
    func busyMemberNamesTheHolder() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            try eve.connection.executeScript("BEGIN")
            _ = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, strangersCode()])
            let kim = try fixture.agent("kim")
            var refusal: PGError?
            let took = Self.seconds {
                do { _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped) } catch let error as PGError { refusal = error } catch {}
            }
            #expect(refusal?.sqlState?.rawValue == "DK014")
            #expect(refusal?.message.contains("agent \(eve.role) (pid") == true, "\(refusal?.message ?? "no refusal")")
            #expect(took < 6, "refused after \(took) s")
            try eve.connection.query("ROLLBACK")
            #expect(try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped).outcome == .match)
        }
    }

    @Test("advisory locks an agent takes serialise nothing of the policy")
    func advisoryLocksDoNothing() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let kimName = try kim.whoami().agent
            try kim.connection.query("SET statement_timeout = '10s'")
            let eve = try fixture.hostileAgent()
            // The keys the old schema serialised on, held outside any transaction.
            try eve.connection.query("SELECT pg_advisory_lock(hashtext('supportdesk.agent'), hashtext($1))", [kimName])
            for key in 0..<64 { try eve.connection.query("SELECT pg_advisory_lock($1::bigint)", [Int64(key)]) }
            var outcome: RecoveryCheckOutcome?
            let took = try Self.seconds { outcome = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped).outcome }
            #expect(outcome == .match)
            #expect(took < 2)
            let functions = try fixture.connection.query("""
                SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('portal', 'support', 'portal_api') AND p.prosrc ILIKE '%advisory%'
                """).single().decode(Int.self, at: 0)
            #expect(functions == 0)
        }
    }

    @Test("every function a role may call has a lock_timeout of its own")
    func everyCallableFunctionHasALockTimeout() throws {
        try withPortalFixture { fixture in
            let missing = try fixture.connection.query("""
                SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('support', 'portal_api')
                   AND NOT coalesce(p.proconfig, '{}') @> ARRAY['lock_timeout=3s']
                """).rows.map { try $0.decode(String.self, at: 0) }
            #expect(missing.isEmpty, "\(missing)")
        }
    }
}
