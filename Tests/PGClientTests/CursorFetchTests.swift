import Foundation
import PGClient
import Testing
import TestSupport

/// `forEachCursorRow` reads a cursor in pipelined batches: every row once and in order across
/// batch boundaries (a short last batch, an empty one), a caller's error or a server's stops it
/// with the connection still usable, and only a couple of batches are ever held.
@Suite struct CursorFetchTests {
    /// Opens `query` as cursor `c` in a transaction and reads it in batches of `batch`.
    static func read(_ connection: PGConnection, _ query: String, batch: Int, _ body: (PGRowReader) throws -> Void) throws -> Int {
        try connection.transaction { connection in
            try connection.query("DECLARE c NO SCROLL CURSOR FOR " + query)
            return try connection.forEachCursorRow("c", batchSize: batch, body)
        }
    }

    @Test(arguments: [(2_500, 1_000), (2_000, 1_000), (0, 7), (1, 1), (999, 1_000)])
    func everyRowOnceAndInOrder(rows: Int, batch: Int) throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            var expected = 1
            let count = try Self.read(connection, "SELECT x, 'row ' || x AS label, int8send(x) AS bytes FROM generate_series(1, \(rows)) AS x", batch: batch) { reader in
                let x = try reader.decode(Int.self, at: 0)
                #expect(x == expected)
                reader.withCells { cells in
                    #expect(cells.count == 3)
                    #expect(cells[1].map { String(decoding: $0, as: UTF8.self) } == "row \(expected)")
                    #expect(cells[2].map { Array($0) } == withUnsafeBytes(of: Int64(expected).bigEndian) { Array($0) })
                }
                expected += 1
            }
            #expect(count == rows && expected == rows + 1)
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
        }
    }

    @Test func aCallerThatStopsEarlyGetsNoMoreRows() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            var seen = 0
            #expect(throws: Refusal.self) {
                _ = try Self.read(connection, "SELECT x FROM generate_series(1, 100000) AS x", batch: 100) { _ in
                    seen += 1
                    if seen == 150 { throw Refusal() }
                }
            }
            #expect(seen == 150)
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
        }
    }

    @Test func aServerFailurePartWayIsThrownAfterTheRowsBeforeIt() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            var delivered = 0
            do {
                _ = try Self.read(connection, "SELECT 1 / (x - 2500) FROM generate_series(1, 10000) AS x", batch: 1_000) { _ in delivered += 1 }
                Issue.record("division by zero streamed through")
            } catch let error as PGError {
                #expect(error.sqlState == SQLState(rawValue: "22012"))
            }
            #expect(delivered == 2_000, "the two whole batches before the failing one")
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
        }
    }

    @Test func aCursorThatIsNotThereIsAServerError() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            #expect(throws: PGError.self) {
                try connection.transaction { connection in try connection.forEachCursorRow("nowhere") { _ in } }
            }
            #expect(try connection.query("SELECT 'usable'").single().decode(String.self, at: 0) == "usable")
        }
    }
}
