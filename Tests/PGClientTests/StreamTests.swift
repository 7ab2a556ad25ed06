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

    @Test func rowsReadInPlaceHoldTheSameValues() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let sql = "SELECT x, 'row ' || x AS label, CASE WHEN x % 3 = 0 THEN NULL ELSE int8send(x) END AS bytes FROM generate_series(1, $1::int) AS x"
            let copied = try connection.query(sql, [2_000]).rows
            var index = 0
            var kept: PGRowReader?
            try connection.forEachRowInPlace(sql, [2_000]) { reader in
                let row = copied[index]
                let x = try row.decode(Int.self, at: 0)
                let bytes = try row.decode([UInt8]?.self, at: 2)
                #expect(try reader.decode(Int.self, at: 0) == x)
                #expect(try reader.value(1) == row[1])
                #expect(reader.isNull(2) == row[2].isNull)
                reader.withCells { cells in
                    #expect(cells.count == 3)
                    #expect(cells[2].map { Array($0) } == bytes)
                    #expect(cells[1].map { String(decoding: $0, as: UTF8.self) } == "row \(x)")
                }
                #expect(try reader.row().values == row.values)
                kept = reader
                index += 1
            }
            #expect(index == 2_000 && kept?.columns.map(\.name) == ["x", "label", "bytes"])
        }
    }

    @Test func aResultsRowsReadInPlaceMatchTheCopiedOnes() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let sql = "SELECT x, 'row ' || x AS label, (CASE WHEN x % 2 = 0 THEN NULL ELSE x * 1.5 END)::float8 AS half FROM generate_series(1, $1::int) AS x"
            let copied = try connection.query(sql, [50]).rows
            var index = 0
            let count = try connection.forEachResultRow(sql, [50]) { reader in
                let half = try copied[index].decode(Double?.self, at: 2)
                #expect(try reader.row().values == copied[index].values)
                #expect(try reader.decode(Double?.self, at: 2) == half)
                index += 1
            }
            #expect(count == 50 && index == 50)
            #expect(throws: PGError.self) { try connection.forEachResultRow("SELECT 1 / 0") { _ in } }
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
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
