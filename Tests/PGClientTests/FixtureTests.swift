import PGClient
import Testing
import TestSupport

@Suite struct FixtureTests {
    static let seeded = DatabaseTemplate(databaseName: "sd_template_fixture_test") { connection in
        try connection.executeScript("CREATE TABLE seeded (x int); INSERT INTO seeded VALUES (1), (2), (3);")
    }

    @Test func eachTestGetsItsOwnDatabaseFromTheTemplate() throws {
        let cluster = try PostgresCluster.shared()
        let first = try cluster.createDatabase(from: Self.seeded)
        let second = try cluster.createDatabase(from: Self.seeded)
        defer { try? first.drop(); try? second.drop() }
        #expect(first.name != second.name)
        let a = try first.connect()
        let b = try second.connect()
        try a.query("DELETE FROM seeded")
        #expect(try a.query("SELECT count(*) FROM seeded").rows[0].decode(Int.self, at: 0) == 0)
        #expect(try b.query("SELECT count(*) FROM seeded").rows[0].decode(Int.self, at: 0) == 3)
    }

    @Test func theServerListensOnItsSocketOnly() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            #expect(try connection.query("SHOW listen_addresses").rows[0].decode(String.self, at: 0) == "")
            #expect(connection.host.hasSuffix("/socket"))
        }
    }

    @Test func droppedDatabasesAreGone() throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let connection = try database.connect()
        try database.drop()
        #expect(throws: PGError.self) { try connection.query("SELECT 1") }
        let admin = try cluster.adminConnection()
        #expect(try admin.query("SELECT count(*) FROM pg_database WHERE datname = $1", [database.name]).rows[0].decode(Int.self, at: 0) == 0)
    }
}
