import PGClient
import Testing
import ProcessTesting
import TestSupport

struct Refusal: Error {}

@Suite struct TransactionTests {
    @Test func committedWorkIsVisibleElsewhere() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (x int)")
            let value = try connection.transaction { tx in
                try tx.query("INSERT INTO t VALUES (1)")
                #expect(tx.isInTransaction)
                return 7
            }
            #expect(value == 7)
            #expect(!connection.isInTransaction)
            let other = try database.connect()
            #expect(try other.query("SELECT count(*) FROM t").single().decode(Int.self, at: 0) == 1)
        }
    }

    @Test func aThrowingBodyRollsBack() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (x int)")
            #expect(throws: Refusal.self) {
                try connection.transaction { tx in
                    try tx.query("INSERT INTO t VALUES (1)")
                    throw Refusal()
                }
            }
            #expect(try connection.query("SELECT count(*) FROM t").single().decode(Int.self, at: 0) == 0)
        }
    }

    @Test func aSwallowedFailureIsNotCommittedSilently() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.query("CREATE TABLE t (x int)")
            do {
                try connection.transaction(.serializable) { tx in
                    try tx.query("INSERT INTO t VALUES (1)")
                    _ = try? tx.query("SELECT 1/0")
                }
                Issue.record("a failed transaction reported success")
            } catch let error as PGError {
                #expect(error.code == .transactionMisuse)
            }
            #expect(!connection.isInTransaction)
            #expect(try connection.query("SELECT count(*) FROM t").single().decode(Int.self, at: 0) == 0)
        }
    }

    @Test func nestingIsRefused() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            do {
                try connection.transaction { tx in
                    try tx.transaction { _ in }
                }
                Issue.record("nested transaction accepted")
            } catch let error as PGError {
                #expect(error.code == .transactionMisuse)
            }
            #expect(!connection.isInTransaction)
        }
    }
}
