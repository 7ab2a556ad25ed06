import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// Issue 9, item 4: every column of an event that anyone reads is covered by its hash. A
/// superuser who edits one behind the triggers' back is caught by a verifier outside.
@Suite("Hostile superuser: columns outside the hash")
struct UnhashedColumnTests {
    /// Verifies the whole chain as a supervisor's console would.
    static func verify(_ supervisor: SupportAPI) throws -> String? {
        var verifier = AuditChainVerifier(head: try supervisor.chainHead(), anchor: nil)
        do {
            try supervisor.verifyChain(&verifier)
            _ = try verifier.finish()
            return nil
        } catch let problem as AuditChainProblem {
            return problem.description
        }
    }

    @Test("editing an event's member, customer, request id, number or account number is caught",
          arguments: ["member_id = NULL", "customer_id = NULL", "request_id = gen_random_uuid()",
                      "event_id = event_id + 1000", "account_number = 'XX-999'"])
    func editsAreCaught(_ edit: String) throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let supervisor = try fixture.agent("sam", supervisor: true)
            _ = try supervisor.overrideDisable(memberID: jane.memberID, reason: "caller verified by ID", ticket: "SUP-9", requestID: UUID())
            try fixture.chainAuditEvents()
            #expect(try Self.verify(supervisor) == nil)
            try fixture.connection.executeScript("""
                ALTER TABLE portal.audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE portal.audit_events SET \(edit) WHERE action = '2fa_disabled_override';
                ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER audit_events_append_only;
                """)
            let problem = try Self.verify(supervisor)
            #expect(problem?.contains("altered") == true, "\(problem ?? "verified")")
        }
    }

    @Test("the account number shown is the one stored with the event, not looked up later")
    func accountNumberIsStored() throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let supervisor = try fixture.agent("sam", supervisor: true)
            let event = try supervisor.overrideDisable(memberID: jane.memberID, reason: "caller verified by ID", ticket: "SUP-9", requestID: UUID())
            try fixture.chainAuditEvents()
            try fixture.connection.query("UPDATE portal.customers SET account_number = 'ZZ-111' WHERE account_number = 'MS-10442'")
            let shown = try supervisor.auditLog(AuditLogFilter()).first { $0.seq == event.seq }
            #expect(shown?.accountNumber == "MS-10442")
            #expect(try Self.verify(supervisor) == nil)
        }
    }
}
