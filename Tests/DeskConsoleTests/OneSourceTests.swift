import DeskDatabase
import DeskConsole
import Foundation
import PGClient
import ProcessTesting
import Testing
import TestSupport

/// Where the console and the database must say the same thing, one of them owns it and a test
/// holds the other to it: durations in words, and the disable rules asked, not copied.
@Suite struct OneSourceTests {
    @Test func durationsAreSpelledTheSameOnBothSides() throws {
        try withTestDatabase(.migrated) { database in
            let connection = try database.connect()
            defer { connection.close() }
            let seconds = Array(0...200) + [599, 600, 601, 899, 900, 3540, 3599, 3600, 3601, 5400, 7199, 7200, 7500, 86_400, 90_061]
            let json = "[" + seconds.map(String.init).joined(separator: ",") + "]"
            let spoken = try connection.query("""
                SELECT portal.spoken_interval(make_interval(secs => s::int)) FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(s, n) ORDER BY n
                """, [json]).rows.map { try $0.decode(String.self, at: 0) }
            for (second, database) in zip(seconds, spoken) {
                #expect(TimeText.spoken(seconds: second) == database, "\(second) s")
            }
        }
    }

    /// A reason the database refuses is refused before the agent is asked to confirm, in the
    /// database's words, with its code; nothing is disabled.
    @Test func aDisableIsCheckedByTheDatabaseBeforeConfirmation() throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let uri = fixture.database.uri(user: try fixture.agentRole("sam", supervisor: true))
            for (reason, ticket, state) in [(String(repeating: "\t", count: 12), "SUP-1", "DK007"),
                                            (String(repeating: "\u{200B}", count: 12), "SUP-1", "DK007"),
                                            ("caller verified by video", "-", "DK008")] {
                let run = try BuiltProduct.run("support-desk", ["--db", uri, "--format", "json", "-c",
                    "disable-2fa \(jane.email) --override --reason '\(reason)' --ticket '\(ticket)'"])
                #expect(run.status == 3)
                #expect(run.standardOutput.contains(#""sqlstate":"\#(state)""#), "\(run.standardOutput)")
            }
            #expect(try fixture.connection.query("SELECT count(*)::int FROM portal.totp_credentials WHERE member_id = $1", [jane.memberID])
                .single().decode(Int.self, at: 0) == 1)
        }
    }
}
