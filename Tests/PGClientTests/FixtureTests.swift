import Foundation
import PGClient
import Testing
import ProcessTesting
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
        #expect(try a.query("SELECT count(*) FROM seeded").single().decode(Int.self, at: 0) == 0)
        #expect(try b.query("SELECT count(*) FROM seeded").single().decode(Int.self, at: 0) == 3)
    }

    @Test func theServerListensOnItsSocketOnly() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            #expect(try connection.query("SHOW listen_addresses").single().decode(String.self, at: 0) == "")
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
        #expect(try admin.query("SELECT count(*) FROM pg_database WHERE datname = $1", [database.name]).single().decode(Int.self, at: 0) == 0)
    }

    @Test func theScriptOpensTCPOnlyOnRequestAndOnlyWithPasswords() throws {
        let directory = "/tmp/sd-script-\(UInt32.random(in: 0...UInt32.max))"
        let port = Int.random(in: 40_000...60_000)
        let uri = try ClusterScript.run(["start", directory, "--tcp", String(port), "--ephemeral"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? ClusterScript.run(["stop", directory, "--remove"]) }
        #expect(uri.hasSuffix("&port=\(port)"))
        #expect(try ClusterScript.run(["uri", directory, "portal"]).hasPrefix("postgresql:///portal?host="))

        let local = try PGConnection(uri)
        #expect(try local.query("SHOW listen_addresses").single().decode(String.self, at: 0) == "127.0.0.1")
        do {
            _ = try PGConnection("host=127.0.0.1 port=\(port) user=postgres dbname=postgres password=guess connect_timeout=5")
            Issue.record("TCP accepted a wrong password")
        } catch {
            #expect(error.message.contains("password authentication failed"))
        }
        try local.query("ALTER ROLE postgres PASSWORD 'right'")
        _ = try PGConnection("host=127.0.0.1 port=\(port) user=postgres dbname=postgres password=right connect_timeout=5")
        local.close()

        // libpq's password file is honoured as psql honours it (only this test sets PGPASSFILE).
        let passfile = directory + "/pgpass"
        try "127.0.0.1:\(port):*:postgres:right\n".write(toFile: passfile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passfile)
        setenv("PGPASSFILE", passfile, 1)
        defer { unsetenv("PGPASSFILE") }
        let viaPassfile = try PGConnection("postgresql://postgres@127.0.0.1:\(port)/postgres?connect_timeout=5")
        #expect(try viaPassfile.query("SELECT 1").rows.count == 1)

        _ = try ClusterScript.run(["stop", directory, "--remove"])
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
