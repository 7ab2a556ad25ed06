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

/// Issue 9, item 1: no outcome of a code check is ever shown to a transaction that can still
/// undo its record. Each test is a way a hostile agent with psql tried to guess unrecorded.
@Suite("Hostile agent: unrecorded guesses")
struct UnrecordedGuessTests {
    @Test("a check's outcome is refused inside its transaction, and a rolled-back check is gone")
    func rolledBackCheck() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            try eve.connection.query("BEGIN")
            let id = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, jane.recoveryCodes[0].grouped])
            #expect(eve.failure("SELECT * FROM support.recovery_check_outcome($1::bigint)", [id])?.sqlState?.rawValue == "DK016")
            try eve.connection.query("ROLLBACK")
            #expect(eve.failure("SELECT * FROM support.recovery_check_outcome($1::bigint)", [id])?.sqlState?.rawValue == "DK015")
            #expect(try fixture.count("portal.recovery_checks") == 0)
            // The one-step function that answered inside the transaction is gone.
            #expect(eve.refusal("SELECT support.verify_recovery_code(1, 'x')") == "42883")
        }
    }

    @Test("nothing that would reveal the outcome runs after a check in its transaction")
    func nothingElseAfterACheck() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            let code = jane.recoveryCodes[0].grouped
            let followUps = [
                "SELECT support.disable_2fa(\(jane.memberID), 'caller lost the phone', 'SUP-1', gen_random_uuid())",
                "SELECT support.request_detail(\(jane.memberID))",
                "SELECT * FROM support.whoami()",
                "SELECT support.check_recovery_code(\(jane.memberID), '\(code)')",
                "SELECT support.request_find('jane')",
            ]
            for followUp in followUps {
                let state = eve.refusal("BEGIN; SELECT support.check_recovery_code(\(jane.memberID), '\(code)'); \(followUp);")
                #expect(state == "DK016", "\(followUp)")
                try eve.connection.query("ROLLBACK")
            }
            // Inside one statement, and inside a DO block that catches its own exceptions.
            // In one statement the outcome function does not even see the check (DK015) or refuses it (DK016).
            let inOne = eve.refusal("SELECT * FROM support.recovery_check_outcome(support.check_recovery_code(\(jane.memberID), '\(code)')); ROLLBACK")
            #expect(inOne == "DK015" || inOne == "DK016")
            _ = try? eve.connection.query("ROLLBACK")
            let leak = eve.refusal("""
                DO $$
                DECLARE id bigint; answer text;
                BEGIN
                    id := support.check_recovery_code(\(jane.memberID), '\(code)');
                    BEGIN
                        SELECT outcome INTO answer FROM support.recovery_check_outcome(id);
                    EXCEPTION WHEN OTHERS THEN answer := 'refused';
                    END;
                    RAISE EXCEPTION 'outcome: %', answer;
                END
                $$
                """)
            #expect(leak == "P0001")
            #expect(try fixture.count("portal.recovery_checks") == 0, "every attempt above was rolled back, and none showed its outcome")
        }
    }

    @Test("a check rolled back to a savepoint leaves neither a record nor an answer")
    func savepoint() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            try eve.connection.query("BEGIN")
            try eve.connection.query("SAVEPOINT guess")
            let id = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, jane.recoveryCodes[0].grouped])
            try eve.connection.query("ROLLBACK TO SAVEPOINT guess")
            try eve.connection.query("COMMIT")
            #expect(eve.failure("SELECT * FROM support.recovery_check_outcome($1::bigint)", [id])?.sqlState?.rawValue == "DK015")
            // Nor can the savepoint's transaction go on to disable with what it learnt.
            #expect(eve.failure("SELECT support.disable_2fa($1::bigint, 'caller lost the phone', 'SUP-1', gen_random_uuid())",
                                [jane.memberID])?.sqlState?.rawValue == "DK005")
        }
    }

    @Test("the statistics views cannot tell a match from a mismatch, or from the mismatch that locks")
    func statisticsDoNotTell() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            // Four committed mismatches: the next one locks.
            for _ in 0..<4 { _ = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, strangersCode()]) }
            // What the agent can read of the tables' write counters, before and after one check.
            func counters() throws -> [String: Int] {
                Dictionary(uniqueKeysWithValues: try eve.connection.query("""
                    SELECT relname, n_tup_ins + 1000 * n_tup_upd + 1000000 * n_tup_del FROM pg_stat_xact_user_tables
                     WHERE schemaname = 'portal'
                    """).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1)) })
            }
            func footprint(_ code: String) throws -> [String: Int] {
                try eve.connection.query("BEGIN")
                let before = try counters()
                _ = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, code])
                let after = try counters()
                try eve.connection.query("ROLLBACK")
                return after.compactMapValues { $0 }.filter { $0.value != before[$0.key] }.reduce(into: [:]) { $0[$1.key] = $1.value - (before[$1.key] ?? 0) }
            }
            let match = try footprint(jane.recoveryCodes[0].grouped)
            let lockingMismatch = try footprint(strangersCode())
            #expect(!match.isEmpty)
            #expect(match == lockingMismatch)
        }
    }

    @Test("a committed check shows its outcome to the next transaction, and counts toward the lock")
    func committedCheckCounts() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            for attempt in 1...5 {
                let id = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, strangersCode()])
                let outcome = try eve.value(String.self, "SELECT outcome FROM support.recovery_check_outcome($1::bigint)", [id])
                #expect(outcome == "mismatch", "attempt \(attempt)")
            }
            let id = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [jane.memberID, jane.recoveryCodes[0].grouped])
            #expect(try eve.value(String.self, "SELECT outcome FROM support.recovery_check_outcome($1::bigint)", [id]) == "locked")
            // Another agent cannot read eve's checks.
            let other = try fixture.hostileAgent("mallory")
            #expect(other.failure("SELECT * FROM support.recovery_check_outcome($1::bigint)", [id])?.sqlState?.rawValue == "DK015")
            #expect(try fixture.chainAuditEvents() == 7, "2fa_enabled, five recovery_failed and the recovery_locked they started")
            #expect(try fixture.count("portal.audit_events", "action = 'recovery_locked'") == 1)
        }
    }
}
