import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

@Suite struct ConnectionTests {
    @Test func connectsWithAURIAndReportsWhereItIs() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            #expect(connection.isConnected)
            #expect(connection.database == database.name)
            #expect(connection.user == "postgres")
            #expect(connection.serverVersion >= 130_000)
            #expect(connection.parameterStatus("server_encoding") == "UTF8")
            #expect(connection.parameterStatus("client_encoding") == "UTF8")
            let pid = try connection.query("SELECT pg_backend_pid()").single().decode(Int32.self, at: 0)
            #expect(pid == connection.backendPID)
        }
    }

    @Test func textIsUTF8EvenWhenTheStringAsksForAnotherEncoding() throws {
        try withTestDatabase { database in
            let connection = try PGConnection(database.uri() + "&client_encoding=LATIN1")
            #expect(connection.parameterStatus("client_encoding") == "UTF8")
            #expect(try connection.query("SELECT $1::text", ["Zoë 🚀"]).single().decode(String.self, at: 0) == "Zoë 🚀")
        }
    }

    @Test func connectsWithKeyValueConninfo() throws {
        try withTestDatabase { database in
            let cluster = try PostgresCluster.shared()
            let connection = try PGConnection("host='\(cluster.directory)/socket' dbname='\(database.name)' user=postgres application_name='kv test'")
            #expect(try connection.query("SELECT current_setting('application_name')").single().decode(String.self, at: 0) == "kv test")
        }
    }

    @Test func passesServiceFilesThroughToLibpq() throws {
        try withTestDatabase { database in
            let cluster = try PostgresCluster.shared()
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg_service-\(UUID().uuidString).conf")
            try "[desk]\nhost=\(cluster.directory)/socket\ndbname=\(database.name)\nuser=postgres\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            // PGSERVICEFILE is read by libpq itself; no other test relies on services.
            setenv("PGSERVICEFILE", file.path, 1)
            defer { unsetenv("PGSERVICEFILE") }
            let connection = try PGConnection("service=desk")
            #expect(connection.database == database.name)
        }
    }

    @Test func multiHostStringsFailOverToTheLiveServer() throws {
        try withTestDatabase { database in
            let cluster = try PostgresCluster.shared()
            let connection = try PGConnection(
                "host=/nonexistent-socket-dir,\(cluster.directory)/socket dbname=\(database.name) user=postgres target_session_attrs=read-write")
            #expect(connection.host == "\(cluster.directory)/socket")
            #expect(try connection.query("SELECT current_database()").single().decode(String.self, at: 0) == database.name)
        }
    }

    @Test func failureToConnectCarriesLibpqsReason() {
        do {
            _ = try PGConnection("postgresql:///postgres?host=/nonexistent-socket-dir&connect_timeout=2")
            Issue.record("connected to a socket that does not exist")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("/nonexistent-socket-dir"))
            #expect(error.isConnectionProblem)
        }
    }

    @Test func malformedConnectionStringsAreRefused() {
        #expect(throws: PGError.self) { try PGConnection("postgresql://[bad") }
        #expect(throws: PGError.self) { try PGConnection("host=a\0b") }
    }

    @Test func unknownDatabaseIsAConnectionFailure() throws {
        let cluster = try PostgresCluster.shared()
        do {
            _ = try PGConnection(cluster.uri(database: "no_such_database"))
            Issue.record("connected to a missing database")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("no_such_database"))
        }
    }

    @Test func closedConnectionsRefuseWork() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            connection.close()
            connection.close()
            #expect(!connection.isConnected)
            #expect(throws: PGError.self) { try connection.query("SELECT 1") }
            do { try connection.query("SELECT 1") } catch let error as PGError { #expect(error.code == .connectionClosed) }
        }
    }

    @Test func resetRecoversALostConnection() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let firstPID = connection.backendPID
            let admin = try database.connect()
            // With a timeout, pg_terminate_backend waits until the backend has really gone.
            try admin.query("SELECT pg_terminate_backend($1, 10000)", [Int(firstPID)])
            do {
                try connection.query("SELECT 1")
                Issue.record("a terminated backend answered")
            } catch let error as PGError {
                #expect(error.code == .connectionLost)
                #expect(error.isConnectionProblem)
            }
            #expect(!connection.isConnected)
            try connection.reset()
            #expect(connection.isConnected)
            #expect(connection.backendPID != firstPID)
            #expect(connection.parameterStatus("client_encoding") == "UTF8")
            #expect(try connection.query("SELECT 41 + 1").single().decode(Int.self, at: 0) == 42)
        }
    }

    @Test func quotesIdentifiersForStatementsWithoutParameters() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let name = "we\"ird name; DROP TABLE x"
            try connection.query("CREATE TABLE \(try connection.quoteIdentifier(name)) (id int)")
            let found = try connection.query("SELECT count(*) FROM pg_class WHERE relname = $1", [name])
            #expect(try found.single().decode(Int.self, at: 0) == 1)
        }
    }
}
