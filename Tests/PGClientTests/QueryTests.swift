import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

@Suite struct QueryTests {
    @Test func parametersRoundTripWithTheirTypes() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let uuid = UUID()
            let bytes: [UInt8] = [0, 1, 2, 0xff, 0, 92, 39]
            let when = PGTimestamp(microsecondsSinceUnixEpoch: 1_764_403_200_123_456)
            let row = try connection.query(
                "SELECT $1::text, $2::int8, $3::int4, $4::bool, $5::float8, $6::uuid, $7::bytea, $8::timestamptz, $9::jsonb, $10::text, $11::numeric",
                ["Zoë's \\ \"quote\" 🚀", Int64.min, Int32.max, true, 0.1, uuid, bytes, when, "{\"a\": [1, 2]}", nil, "-12345678901234567890.000123"]
            ).single()
            #expect(try row.decode(String.self, at: 0) == "Zoë's \\ \"quote\" 🚀")
            #expect(try row.decode(Int64.self, at: 1) == Int64.min)
            #expect(try row.decode(Int32.self, at: 2) == Int32.max)
            #expect(try row.decode(Bool.self, at: 3) == true)
            #expect(try row.decode(Double.self, at: 4) == 0.1)
            #expect(try row.decode(UUID.self, at: 5) == uuid)
            #expect(try row.decode([UInt8].self, at: 6) == bytes)
            #expect(try row.decode(PGTimestamp.self, at: 7) == when)
            #expect(try row.decode(String.self, at: 8) == "{\"a\": [1, 2]}")
            #expect(try row.decode(String?.self, at: 9) == nil)
            #expect(row[9].isNull)
            #expect(try row.decode(String.self, at: 10) == "-12345678901234567890.000123")
        }
    }

    @Test func floatSpecialValuesRoundTrip() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let row = try connection.query("SELECT $1::float8, $2::float8, $3::float8, $4::float8", [Double.infinity, -Double.infinity, Double.nan, 1e-300]).single()
            #expect(try row.decode(Double.self, at: 0) == .infinity)
            #expect(try row.decode(Double.self, at: 1) == -.infinity)
            #expect(try row.decode(Double.self, at: 2).isNaN)
            #expect(try row.decode(Double.self, at: 3) == 1e-300)
        }
    }

    @Test func timestampsBeforeChristRoundTrip() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let stored = try connection.query("SELECT '0044-03-15 12:00:00+00 BC'::timestamptz").single().decode(PGTimestamp.self, at: 0)
            #expect(stored.description == "0044-03-15T12:00:00.000000Z BC")
            let back = try connection.query("SELECT $1::timestamptz = '0044-03-15 12:00:00+00 BC'::timestamptz", [stored]).single()
            #expect(try back.decode(Bool.self, at: 0))
        }
    }

    @Test func numericsDecodeExactly() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let cases = ["0", "1", "-1", "10000", "0.0001", "123.4500", "-0.5", "99999999.99999999", "1e-20", "NaN", "Infinity", "-Infinity", "1234567890123456789012345678901234567890"]
            for text in cases {
                let result = try connection.query("SELECT $1::numeric, $1::numeric::text", [text]).single()
                #expect(try result.decode(String.self, at: 0) == result.decode(String.self, at: 1), "\(text)")
            }
        }
    }

    @Test func timestampsDoNotDependOnSessionSettings() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("SET TimeZone = 'Asia/Kathmandu'")
            try connection.query("SET DateStyle = 'SQL, DMY'")
            let row = try connection.query(
                "SELECT '2026-11-29 08:00:00.000001+00'::timestamptz, '1969-12-31 23:59:59.5+00'::timestamptz, 'infinity'::timestamptz, '-infinity'::timestamptz, $1::timestamptz, '2038-01-19'::date"
                , [PGTimestamp(microsecondsSinceUnixEpoch: 32_503_680_000_000_000)]).single()
            #expect(try row.decode(PGTimestamp.self, at: 0).microsecondsSinceUnixEpoch == 1_795_939_200_000_001)
            #expect(try row.decode(PGTimestamp.self, at: 0).description == "2026-11-29T08:00:00.000001Z")
            #expect(try row.decode(PGTimestamp.self, at: 1).microsecondsSinceUnixEpoch == -500_000)
            #expect(try row.decode(PGTimestamp.self, at: 1).description == "1969-12-31T23:59:59.500000Z")
            #expect(try row.decode(PGTimestamp.self, at: 2) == .infinity)
            #expect(try row.decode(PGTimestamp.self, at: 3) == .negativeInfinity)
            #expect(try row.decode(PGTimestamp.self, at: 4).description == "3000-01-01T00:00:00.000000Z")
            #expect(row[5].displayText == "2038-01-19")
        }
    }

    @Test func columnsAreAddressableByName() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let result = try connection.query("SELECT 1 AS one, 'x' AS letter")
            #expect(result.columns.map(\.name) == ["one", "letter"])
            #expect(try result.single().decode(String.self, column: "letter") == "x")
            #expect(try result.single()[column: "missing"] == nil)
            #expect(result.commandTag == "SELECT 1")
            #expect(result.affectedRows == 1)
        }
    }

    @Test func decodingTheWrongTypeIsAClearError() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let row = try connection.query("SELECT 42 AS answer, NULL::text AS nothing").single()
            do {
                _ = try row.decode(String.self, column: "answer")
                Issue.record("an integer decoded as a String")
            } catch let error as PGError {
                #expect(error.code == .decoding)
                #expect(error.message.contains("answer"))
            }
            #expect(throws: PGError.self) { try row.decode(String.self, column: "nothing") }
            #expect(throws: PGError.self) { try row.decode(Int.self, at: 7) }
        }
    }

    @Test func parametersNeverBecomeSQL() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE notes (body text)")
            let hostile = "x'); DROP TABLE notes; --"
            try connection.query("INSERT INTO notes VALUES ($1)", [hostile])
            #expect(try connection.query("SELECT body FROM notes").single().decode(String.self, at: 0) == hostile)
            do {
                try connection.query("SELECT 1; DROP TABLE notes")
                Issue.record("two statements ran through query()")
            } catch let error as PGError {
                #expect(error.sqlState == .syntaxError)
            }
            #expect(try connection.query("SELECT count(*) FROM notes").single().decode(Int.self, at: 0) == 1)
        }
    }

    @Test func textWithNULIsRefusedBeforeItIsTruncated() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            do {
                try connection.query("SELECT $1::text", ["abc\0def"])
                Issue.record("NUL was sent")
            } catch let error as PGError {
                #expect(error.code == .invalidParameter)
            }
            #expect(try connection.query("SELECT $1::bytea", [[UInt8]([97, 0, 98])]).single().decode([UInt8].self, at: 0) == [97, 0, 98])
        }
    }

    @Test func serverErrorsCarryEveryField() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            do {
                try connection.query("""
                    DO $$ BEGIN
                      RAISE EXCEPTION 'recovery is locked' USING ERRCODE = 'DK002', DETAIL = 'five mismatches', HINT = 'ask a supervisor';
                    END $$
                    """)
                Issue.record("no error")
            } catch let error as PGError {
                #expect(error.code == .server)
                #expect(error.sqlState == SQLState(rawValue: "DK002"))
                #expect(error.sqlState?.errorClass == "DK")
                #expect(error.message == "recovery is locked")
                #expect(error.detail == "five mismatches")
                #expect(error.hint == "ask a supervisor")
                #expect(!error.isConnectionProblem)
            }
            try connection.query("CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY)")
            try connection.query("INSERT INTO t VALUES (1)")
            do {
                try connection.query("INSERT INTO t VALUES ($1)", [1])
                Issue.record("duplicate accepted")
            } catch let error as PGError {
                #expect(error.sqlState == .uniqueViolation)
                #expect(error.constraintName == "t_pk")
            }
            #expect(try connection.query("SELECT 1").rows.count == 1)
        }
    }

    @Test func noticesAreCollectedNotPrinted() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let result = try connection.query("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
            #expect(result.notices.map(\.message) == ["hello 42", "careful"])
            #expect(result.notices.map(\.severity) == ["NOTICE", "WARNING"])
            #expect(try connection.query("SELECT 1").notices.isEmpty)
        }
    }

    @Test func scriptsRunSeveralStatementsAndStopAtTheFirstError() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.executeScript("CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2); CREATE INDEX ON a (x);")
            #expect(try connection.query("SELECT sum(x) FROM a").single().decode(Int.self, at: 0) == 3)
            do {
                try connection.executeScript("INSERT INTO a VALUES (3); SELECT 1/0; INSERT INTO a VALUES (4);")
                Issue.record("division by zero passed")
            } catch let error as PGError {
                #expect(error.sqlState == SQLState(rawValue: "22012"))
            }
            // The simple protocol runs a multi-statement string as one implicit transaction.
            #expect(try connection.query("SELECT sum(x) FROM a").single().decode(Int.self, at: 0) == 3)
        }
    }
}
