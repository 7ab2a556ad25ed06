import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

@Suite struct StreamTests {
    @Test func everyRowArrivesInOrder() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            var expected = 1
            var sum = 0
            let summary = try connection.forEachRow(
                "SELECT x, 'row ' || x AS label FROM generate_series(1, $1::int) AS x", [100_000]
            ) { row in
                let x = try row.decode(Int.self, column: "x")
                #expect(x == expected)
                expected += 1
                sum += x
            }
            #expect(summary.rowCount == 100_000)
            #expect(sum == 100_000 * 100_001 / 2)
            #expect(summary.commandTag == "SELECT 100000")
            #expect(summary.columns.map(\.name) == ["x", "label"])
        }
    }

    @Test func noRowsStillReportsTheColumns() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let summary = try connection.forEachRow("SELECT 1 AS one WHERE false") { _ in Issue.record("a row arrived") }
            #expect(summary.rowCount == 0)
            #expect(summary.columns.map(\.name) == ["one"])
        }
    }

    @Test func aServerFailurePartWayIsThrownAfterTheRowsBeforeIt() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            var delivered = 0
            do {
                try connection.forEachRow("SELECT 1 / (x - 5000) FROM generate_series(1, 10000) AS x") { _ in delivered += 1 }
                Issue.record("division by zero streamed through")
            } catch let error as PGError {
                #expect(error.sqlState == SQLState(rawValue: "22012"))
            }
            #expect(delivered > 0 && delivered < 5000)
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
        }
    }

    @Test func aCallerThatStopsEarlyCancelsTheRest() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let started = Date()
            var seen = 0
            #expect(throws: Refusal.self) {
                // In the target list (not FROM) the series streams instead of being materialised first.
                try connection.forEachRow("SELECT generate_series(1, 200000000)") { _ in
                    seen += 1
                    if seen == 10 { throw Refusal() }
                }
            }
            #expect(seen == 10)
            // Reading 200 million rows would take minutes; a cancelled query ends at once.
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
        }
    }
}
