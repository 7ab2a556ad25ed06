import Foundation
@testable import PGClient
import Testing
import TestSupport

/// `forEachBinaryCopyRow`: PostgreSQL's binary COPY read a row at a time, as `log verify` reads
/// the audit chain (issue 10), against a real server and against malformed bytes.
@Suite struct CopyOutTests {
    @Test func rowsArriveAsTheQueryReturnsThem() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (id bigint, name text, hash bytea, n int)")
            try connection.query("""
                INSERT INTO t SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'name ' || g || ' 🚀' END,
                                     decode(md5(g::text), 'hex'), CASE WHEN g % 5 = 0 THEN NULL ELSE g END
                  FROM generate_series(1, 20000) g
                """)
            var seen: [(Int64, String?, [UInt8], Int32?)] = []
            let count = try connection.forEachBinaryCopyRow("COPY (SELECT id, name, hash, n FROM t ORDER BY id) TO STDOUT (FORMAT binary)") { cells in
                #expect(cells.count == 4)
                seen.append((Int64(bigEndian: cells[0]!.loadUnaligned(as: Int64.self)),
                             cells[1].map { String(decoding: $0, as: UTF8.self) },
                             cells[2].map(Array.init) ?? [],
                             cells[3].map { Int32(bigEndian: $0.loadUnaligned(as: Int32.self)) }))
            }
            #expect(count == 20_000 && seen.count == 20_000)
            let expected = try connection.query("SELECT id, name, hash, n FROM t ORDER BY id").rows
            for (row, got) in zip(expected, seen) {
                #expect(try row.decode(Int64.self, at: 0) == got.0)
                #expect(try row.decode(String?.self, at: 1) == got.1)
                #expect(try row.decode([UInt8].self, at: 2) == got.2)
                #expect(try row.decode(Int32?.self, at: 3) == got.3)
            }
            // Nothing to copy is no row, and the connection goes on.
            #expect(try connection.forEachBinaryCopyRow("COPY (SELECT * FROM t WHERE false) TO STDOUT (FORMAT binary)") { _ in Issue.record("a row") } == 0)
            #expect(try connection.query("SELECT 1").single().decode(Int.self, at: 0) == 1)
        }
    }

    struct Stop: Error {}

    @Test func aCallerThatStopsEndsTheCopyAndTheConnectionStaysUsable() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            var rows = 0
            #expect(throws: Stop.self) {
                try connection.forEachBinaryCopyRow("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT (FORMAT binary)") { _ in
                    rows += 1
                    if rows == 10 { throw Stop() }
                }
            }
            #expect(rows == 10)
            #expect(try connection.query("SELECT 2").single().decode(Int.self, at: 0) == 2)
        }
    }

    @Test func notACopyOutOrARefusedOneIsAnErrorAndTheConnectionStaysUsable() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            #expect(throws: PGError.self) { try connection.forEachBinaryCopyRow("SELECT 1") { _ in } }
            #expect(throws: PGError.self) { try connection.forEachBinaryCopyRow("COPY (SELECT 1/0) TO STDOUT (FORMAT binary)") { _ in } }
            #expect(throws: PGError.self) { try connection.forEachBinaryCopyRow("COPY (SELECT 1) TO STDOUT") { _ in } }  // text, not binary
            #expect(try connection.query("SELECT 3").single().decode(Int.self, at: 0) == 3)
        }
    }

    @Test func malformedBytesAreAnErrorNeverABadRead() throws {
        let header = BinaryCopyParser.signature + [0, 0, 0, 0, 0, 0, 0, 0]
        func rows(_ messages: [[UInt8]]) throws -> [[[UInt8]?]] {
            var parser = BinaryCopyParser()
            var out: [[[UInt8]?]] = []
            for message in messages {
                try message.withUnsafeBytes { bytes in
                    try parser.rows(in: bytes) { cells in out.append(cells.map { $0.map(Array.init) }) }
                }
            }
            return out
        }
        // A good stream: the header with the first row, a NULL, an empty value, the end.
        let good = try rows([header + [0, 2, 0, 0, 0, 1, 65, 255, 255, 255, 255], [0, 1, 0, 0, 0, 0], [255, 255]])
        #expect(good == [[[65], nil], [[]]])
        #expect(throws: PGError.self) { try rows([[1, 2, 3]]) }                                   // no signature
        #expect(throws: PGError.self) { try rows([header + [0, 1, 0, 0, 0, 9, 1, 2]]) }          // a value past the end
        #expect(throws: PGError.self) { try rows([header + [0, 1, 127, 255, 255, 255]]) }        // a huge length
        #expect(throws: PGError.self) { try rows([header + [0, 1, 255, 255, 255, 250]]) }        // a negative length
        #expect(throws: PGError.self) { try rows([header + [255, 254]]) }                        // a negative field count
        #expect(throws: PGError.self) { try rows([header + [255, 255], [0, 0]]) }                // data after the end
        #expect(throws: PGError.self) { try rows([header + [0]]) }                               // half a field count
    }
}
