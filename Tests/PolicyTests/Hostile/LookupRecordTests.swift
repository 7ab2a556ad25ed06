import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// Issue 9, item 6: every look-up is recorded, cannot be rolled back out of the record, and is
/// limited per agent per hour, so a bribed agent copying data is stopped and seen.
@Suite("Hostile agent: look-ups")
struct LookupRecordTests {
    @Test("find and show are recorded, and answer only once the record has committed")
    func recordedBeforeAnswered() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            // The old one-step functions are not callable.
            #expect(eve.refusal("SELECT * FROM support.find('jane')") == "42883")
            // A member id passed where the old function took one is no look-up of this agent's.
            #expect(eve.refusal("SELECT * FROM support.user_detail(\(jane.memberID))") == "DK015")
            #expect(eve.refusal("SELECT * FROM portal.find_unrecorded('jane', 20)") == "42501")

            try eve.connection.query("BEGIN")
            let find = try eve.value(Int64.self, "SELECT support.request_find('jane')")
            #expect(eve.failure("SELECT * FROM support.find_results($1::bigint)", [find])?.sqlState?.rawValue == "DK016")
            try eve.connection.query("ROLLBACK")
            #expect(eve.failure("SELECT * FROM support.find_results($1::bigint)", [find])?.sqlState?.rawValue == "DK015")

            let api = SupportAPI(connection: eve.connection)
            #expect(try api.find("jane").count == 1)
            _ = try api.detailAndEvents(memberID: jane.memberID, eventLimit: 5)
            let recorded = try fixture.connection.query("SELECT kind::text, coalesce(query, member_id::text) FROM portal.lookups WHERE agent = $1 ORDER BY id", [eve.role])
                .rows.map { "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1))" }
            #expect(recorded == ["find jane", "detail \(jane.memberID)"])
            #expect(fixture.connection.failure("DELETE FROM portal.lookups") == "DK011")
            // Another agent's look-up cannot be read through its id.
            let other = try fixture.hostileAgent("mallory")
            let mine = try eve.value(Int64.self, "SELECT support.request_detail($1::bigint)", [jane.memberID])
            #expect(other.failure("SELECT * FROM support.user_detail($1::bigint)", [mine])?.sqlState?.rawValue == "DK015")
            let supervisor = try fixture.agent("sam", supervisor: true)
            let log = try supervisor.connection.query("SELECT agent FROM support.lookup_log($1)", [eve.role]).rows
            #expect(log.count == 3, "find jane, show jane, and the detail request above")
        }
    }

    @Test("look-ups stop at the hourly limit, even from many connections at once; a supervisor lifts it")
    func limited() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.connection.query("UPDATE portal.settings SET lookups_per_hour = 20")
            let role = try fixture.agentRole("eve")
            let results = fixture.concurrently(8, as: role) { api in
                (0..<5).map { _ in (try? api.detail(memberID: jane.memberID)) != nil }
            }.compactMap { try? $0.get() }.flatMap { $0 }
            #expect(results.filter { $0 }.count == 20)
            #expect(try fixture.count("portal.lookups") == 20)
            let eve = try fixture.connect(as: role)
            do {
                _ = try eve.find("jane")
                Issue.record("the 21st look-up went through")
            } catch let error as PGError {
                #expect(PortalRefusal(error)?.code == .lookupLimitReached)
            }
            let sam = try fixture.agent("sam", supervisor: true)
            let samName = try sam.whoami().agent
            _ = try sam.liftLookupLimit(agent: role, extra: 10, reason: "bulk clean-up of ticket backlog")
            #expect(try eve.find("jane").count == 1)
            #expect(throws: PGError.self) { try sam.liftLookupLimit(agent: samName, extra: 10, reason: "bulk clean-up of ticket backlog") }
            try fixture.chainAuditEvents()
            #expect(try fixture.count("portal.audit_events", "action = 'lookup_limit_lifted'") == 1)
        }
    }
}

extension PGConnection {
    /// The SQLSTATE a script failed with, or nil.
    func failure(_ sql: String) -> String? {
        do { try executeScript(sql); return nil } catch { return error.sqlState?.rawValue }
    }
}
