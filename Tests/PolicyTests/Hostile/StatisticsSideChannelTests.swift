import Foundation
import PGClient
import Testing
import TestSupport
import TOTPCore

/// Found by a hostile review: within its own transaction, an agent may read the per-table
/// statistics PostgreSQL keeps for it (`pg_stat_xact_all_tables`). A code check whose reads
/// depended on its outcome told a right code from a wrong one there, and a rollback then left no
/// record and no lockout. A check reads the same rows whatever the outcome.
@Suite("Hostile agent: table statistics")
struct StatisticsSideChannelTests {
    /// What one check adds to `pg_stat_xact_all_tables` for the code table, read before and
    /// after it inside the agent's own transaction (the view also holds counts not yet
    /// flushed from earlier transactions, so the difference is what the check did), rolled back.
    static func readsOfOneCheck(_ eve: HostileSession, member: Int64, code: String) throws -> [Int64] {
        let statistics = """
            SELECT coalesce(seq_scan, 0)::bigint, coalesce(seq_tup_read, 0)::bigint, coalesce(idx_scan, 0)::bigint,
                   coalesce(idx_tup_fetch, 0)::bigint
              FROM pg_stat_xact_all_tables WHERE schemaname = 'portal' AND relname = 'recovery_codes'
            """
        func read() throws -> [Int64] {
            let row = try eve.connection.query(statistics).single()
            return try (0..<4).map { try row.decode(Int64.self, at: $0) }
        }
        try eve.connection.query("BEGIN")
        defer { _ = try? eve.connection.query("ROLLBACK") }
        let before = try read()
        _ = try eve.value(Int64.self, "SELECT support.check_recovery_code($1::bigint, $2)", [member, code])
        return zip(try read(), before).map { $0 - $1 }
    }

    @Test("a right code and a wrong one read the same rows of the code table")
    func rightAndWrongCodesReadAlike() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let eve = try fixture.hostileAgent()
            let right = try Self.readsOfOneCheck(eve, member: jane.memberID, code: jane.recoveryCodes[3].grouped)
            let wrong = try Self.readsOfOneCheck(eve, member: jane.memberID, code: strangersCode())
            #expect(right == wrong, "right \(right), wrong \(wrong)")
            #expect(try fixture.count("portal.recovery_checks") == 0, "both were rolled back")
        }
    }
}
