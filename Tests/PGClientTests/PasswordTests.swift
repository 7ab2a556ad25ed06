import Foundation
import PGClient
import Testing
import TestSupport

/// What a failed connection says about passwords (so a program can ask as psql does), a typed
/// password that `reset()` reuses, and SCRAM verifiers made by libpq on the client.
@Suite struct PasswordTests {
    /// A login role with a SCRAM password on the TLS cluster (which asks TCP clients for one).
    func role(_ cluster: TLSCluster, password: String) throws -> String {
        let name = "pw_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PGConnection(cluster.adminURI())
        defer { admin.close() }
        let statement = try admin.query("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)", [name, password])
            .single().decode(String.self, at: 0)
        try admin.query(statement)
        return name
    }

    @Test func aMissingPasswordNamesTheUserAndAWrongOneSaysOneWasGiven() throws {
        let cluster = try TLSCluster.shared()
        let name = try role(cluster, password: "right-password")
        let conninfo = cluster.conninfo(user: name, extra: "passfile=/nonexistent")

        do {
            _ = try PGConnection(conninfo)
            Issue.record("connected without a password")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.passwordRequest == PGPasswordRequest(user: name, passwordWasGiven: false))
        }
        do {
            _ = try PGConnection(conninfo, password: "wrong-password")
            Issue.record("connected with a wrong password")
        } catch {
            #expect(error.passwordRequest == PGPasswordRequest(user: name, passwordWasGiven: true))
            #expect(error.message.contains("password authentication failed"))
        }
        let connection = try PGConnection(conninfo, password: "right-password")
        #expect(connection.user == name)
        // A reset signs in again with the same password, asking no one.
        let admin = try PGConnection(cluster.adminURI())
        defer { admin.close() }
        try admin.query("SELECT pg_terminate_backend($1)", [connection.backendPID])
        try connection.reset()
        #expect(try connection.query("SELECT current_user::text").single().decode(String.self, at: 0) == name)
    }

    @Test func otherFailuresCarryNoPasswordRequest() throws {
        do {
            _ = try PGConnection("postgresql:///x?host=/nonexistent")
            Issue.record("connected to nothing")
        } catch {
            #expect(error.passwordRequest == nil)
        }
    }

    @Test func aVerifierIsSCRAMWithAFreshSaltAndNeverThePassword() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let first = try connection.scramVerifier(password: "a secret phrase", role: "kim")
            let second = try connection.scramVerifier(password: "a secret phrase", role: "kim")
            #expect(first.hasPrefix("SCRAM-SHA-256$4096:"))
            #expect(first != second, "each verifier has its own salt")
            #expect(!first.contains("a secret phrase"))
        }
    }
}
