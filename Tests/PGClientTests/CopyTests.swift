import PGClient
import Testing
import ProcessTesting
import TestSupport

@Suite struct CopyTests {
    @Test func streamsRowsWithAwkwardTextExactly() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE people (id int PRIMARY KEY, name text, note text)")
            let awkward = "tab\there\nnewline \\backslash\r\\N not null 🚀"
            let count = 20_000
            let loaded = try connection.copyFromStdin(
                "COPY people (id, name, note) FROM STDIN",
                rows: (1...count).lazy.map { [String($0), "name \($0)", $0 % 2 == 0 ? awkward : nil] })
            #expect(loaded == count)
            let check = try connection.query("SELECT count(*), count(note), min(note), max(name) FROM people").single()
            #expect(try check.decode(Int.self, at: 0) == count)
            #expect(try check.decode(Int.self, at: 1) == count / 2)
            #expect(try check.decode(String.self, at: 2) == awkward)
        }
    }

    @Test func aFailingProducerAbortsWithNothingLoaded() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (x int)")
            #expect(throws: Refusal.self) {
                try connection.copyFromStdin("COPY t (x) FROM STDIN") { writer in
                    for value in 0..<100_000 {
                        if value == 50_000 { throw Refusal() }
                        try writer.append([String(value)])
                    }
                }
            }
            #expect(try connection.query("SELECT count(*) FROM t").single().decode(Int.self, at: 0) == 0)
        }
    }

    @Test func badDataIsAServerErrorAndTheConnectionSurvives() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (x int)")
            do {
                try connection.copyFromStdin("COPY t (x) FROM STDIN", rows: [["1"], ["two"], ["3"]])
                Issue.record("'two' loaded as an int")
            } catch let error as PGError {
                #expect(error.sqlState == .invalidTextRepresentation)
            }
            #expect(try connection.query("SELECT count(*) FROM t").single().decode(Int.self, at: 0) == 0)
        }
    }

    @Test func notACopyStatementIsRefused() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            do {
                try connection.copyFromStdin("SELECT 1", rows: [[String?]]())
                Issue.record("SELECT accepted as COPY")
            } catch let error as PGError {
                #expect(error.code == .copyFailed)
            }
            #expect(try connection.query("SELECT 2").single().decode(Int.self, at: 0) == 2)
        }
    }

    @Test func nulInACellIsRefused() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (x text)")
            #expect(throws: PGError.self) {
                try connection.copyFromStdin("COPY t (x) FROM STDIN", rows: [["a\0b"]])
            }
            #expect(try connection.query("SELECT count(*) FROM t").single().decode(Int.self, at: 0) == 0)
        }
    }
}
