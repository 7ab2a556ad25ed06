import DeskDatabase
import Foundation
import PGClient
import PortalCore
import SupportClient
import Testing
import ProcessTesting
import TestSupport
import SupportClient

/// `portal agent add NAME --password`: the password comes from stdin (hidden and typed twice on a
/// terminal, one line when piped), is checked before anything is created, and reaches the server
/// only as a SCRAM-SHA-256 verifier made by libpq, never as text in a statement or a log.
@Suite(.serialized) struct AgentPasswordTests {
    /// The role's stored password (a verifier), or nil when it has none or does not exist.
    func storedPassword(_ database: TestDatabase, _ role: String) throws -> String? {
        let admin = try database.connect()
        defer { admin.close() }
        let rows = try admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role]).rows
        guard let row = rows.first else { return nil }
        return try row.decode(String?.self, at: 0)
    }

    func roleExists(_ database: TestDatabase, _ role: String) throws -> Bool {
        let admin = try database.connect()
        defer { admin.close() }
        return try !admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).rows.isEmpty
    }

    func newName() -> String { "pw_\(UUID().uuidString.prefix(8).lowercased())" }

    @Test func aPipedPasswordIsStoredAsSCRAMAndNeverLogged() throws {
        try withTestDatabase(.migrated) { database in
            let name = newName()
            let secret = "piped-\(UUID().uuidString.prefix(12))"
            // Every statement the portal sends is logged, parameters included.
            let logged = database.uri() + "&options=-c%20log_statement%3Dall"
            let added = try BuiltProduct.run("portal", ["agent", "add", name, "--password", "--db", logged, "--json"],
                                             input: secret + "\n")
            #expect(added.status == 0, "\(added.standardError)")
            #expect(added.standardOutput.contains(#""password":true"#))
            let stored = try #require(try storedPassword(database, name))
            #expect(stored.hasPrefix("SCRAM-SHA-256$4096:"))

            let log = try String(contentsOfFile: database.cluster.directory + "/data/server.log", encoding: .utf8)
            #expect(log.contains("portal_api.set_agent_password"), "the call was logged")
            #expect(!log.contains(secret), "the password is in the server log")
        }
    }

    @Test func withoutPasswordTheAgentHasNone() throws {
        try withTestDatabase(.migrated) { database in
            let name = newName()
            let added = try BuiltProduct.run("portal", ["agent", "add", name, "--db", database.uri()])
            #expect(added.status == 0)
            #expect(added.standardOutput.contains("--password"))
            #expect(try roleExists(database, name))
            #expect(try storedPassword(database, name) == nil)
        }
    }

    @Test func aShortOrMissingPasswordCreatesNothing() throws {
        try withTestDatabase(.migrated) { database in
            for input in ["short\n", ""] {
                let name = newName()
                let refused = try BuiltProduct.run("portal", ["agent", "add", name, "--password", "--db", database.uri()], input: input)
                #expect(refused.status == 1)
                #expect(refused.standardError.contains("nothing was created") || refused.standardError.contains("none was given"),
                        "\(refused.standardError)")
                #expect(try !roleExists(database, name))
            }
        }
    }

    @Test func onATerminalItIsTypedTwiceHidden() throws {
        try withTestDatabase(.migrated) { database in
            let name = newName()
            let secret = "typed-twice-password"
            let terminal = try PseudoTerminal(BuiltProduct.path("portal"), ["agent", "add", name, "--password", "--db", database.uri()],
                                              environment: ["DATABASE_URL": ""])
            try terminal.expect("Password for agent \(name): ")
            terminal.type(secret + "\r", atPrompt: false)
            try terminal.expect("The same password again: ")
            terminal.type(secret + "\r", atPrompt: false)
            try terminal.expect("with a password (SCRAM-SHA-256)")
            #expect(try terminal.wait() == 0)
            #expect(!terminal.transcript.contains(secret), "the typing is hidden")
            #expect(try storedPassword(database, name)?.hasPrefix("SCRAM-SHA-256$") == true)

            let other = newName()
            let mismatch = try PseudoTerminal(BuiltProduct.path("portal"), ["agent", "add", other, "--password", "--db", database.uri()],
                                              environment: ["DATABASE_URL": ""])
            try mismatch.expect("Password for agent \(other): ")
            mismatch.type(secret + "\r", atPrompt: false)
            try mismatch.expect("The same password again: ")
            mismatch.type(secret + "x\r", atPrompt: false)
            try mismatch.expect("the two passwords differ; nothing was created")
            #expect(try mismatch.wait() == 1)
            #expect(try !roleExists(database, other))
        }
    }

    @Test func theFunctionTakesOnlyAVerifierAndOnlyForAnAgent() throws {
        try withPortalFixture { fixture in
            let name = try fixture.agentRole("kim")
            let plaintext = fixture.connection
            #expect(sqlState(plaintext, "SELECT portal_api.set_agent_password('\(name)', 'a plaintext password')") == "DK106")
            #expect(try storedPassword(fixture.database, name) == nil)
            #expect(sqlState(plaintext, "SELECT portal_api.set_agent_password('postgres', 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5')") == "DK106")

            try PortalAPI(connection: fixture.connection, secrets: nil).setAgentPassword(name: name, password: "an agent's password")
            #expect(try storedPassword(fixture.database, name)?.hasPrefix("SCRAM-SHA-256$4096:") == true)

            // An agent cannot set passwords, its own included.
            let agent = try fixture.connect(as: name)
            defer { agent.connection.close() }
            #expect(sqlState(agent.connection, "SELECT portal_api.set_agent_password('\(name)', 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5')") == "42501")
        }
    }
}
