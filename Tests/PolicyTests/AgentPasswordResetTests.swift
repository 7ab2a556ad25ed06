import Foundation
import PGClient
import PortalCore
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// `portal agent password NAME [--clear]`: a new password for an existing agent, read as
/// `agent add --password` reads it and stored as a SCRAM-SHA-256 verifier made by libpq (the
/// password is never in a statement or the server log); a name that is no agent is refused with
/// nothing changed; `--clear` removes the password, leaving the certificate.
@Suite(.serialized) struct AgentPasswordResetTests {
    /// The role's stored password (a verifier), or nil when it has none or does not exist.
    func storedPassword(_ database: TestDatabase, _ role: String) throws -> String? {
        let admin = try database.connect()
        defer { admin.close() }
        let rows = try admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role]).rows
        guard let row = rows.first else { return nil }
        return try row.decode(String?.self, at: 0)
    }

    func newName() -> String { "pw_\(UUID().uuidString.prefix(8).lowercased())" }

    /// A new agent with `password`, made by `portal agent add --password` (piped).
    func agent(_ database: TestDatabase, password: String) throws -> String {
        let name = newName()
        let added = try BuiltProduct.run("portal", ["agent", "add", name, "--password", "--db", database.uri()], input: password + "\n")
        try #require(added.status == 0, "\(added.standardError)")
        return name
    }

    @Test func aPipedNewPasswordReplacesTheOldAsSCRAMAndIsNeverLogged() throws {
        try withTestDatabase(.migrated) { database in
            let name = try agent(database, password: "the-first-password")
            let before = try #require(try storedPassword(database, name))
            let secret = "reset-\(UUID().uuidString.prefix(12))"
            // Every statement the portal sends is logged, parameters included.
            let logged = database.uri() + "&options=-c%20log_statement%3Dall"
            let changed = try BuiltProduct.run("portal", ["agent", "password", name, "--db", logged, "--json"], input: secret + "\n")
            #expect(changed.status == 0, "\(changed.standardError)")
            #expect(changed.standardOutput.contains(#""password":true"#), "\(changed.standardOutput)")
            let after = try #require(try storedPassword(database, name))
            #expect(after.hasPrefix("SCRAM-SHA-256$4096:"))
            #expect(after != before, "the verifier changed")
            #expect(!after.contains(secret))

            let log = try String(contentsOfFile: database.cluster.directory + "/data/server.log", encoding: .utf8)
            #expect(log.contains("portal_api.set_agent_password"), "the call was logged")
            #expect(!log.contains(secret), "the password is in the server log")
        }
    }

    @Test func onATerminalTheNewPasswordIsTypedTwiceHidden() throws {
        try withTestDatabase(.migrated) { database in
            let name = try agent(database, password: "the-first-password")
            let before = try storedPassword(database, name)
            let secret = "typed-new-password"
            let terminal = try PseudoTerminal(BuiltProduct.path("portal"), ["agent", "password", name, "--db", database.uri()],
                                              environment: ["DATABASE_URL": ""])
            try terminal.expect("New password for agent \(name): ")
            terminal.type(secret + "\r", atPrompt: false)
            try terminal.expect("The same password again: ")
            terminal.type(secret + "\r", atPrompt: false)
            try terminal.expect("agent \(name) has a new password (SCRAM-SHA-256); the old one no longer signs in")
            #expect(try terminal.wait() == 0)
            #expect(!terminal.transcript.contains(secret), "the typing is hidden")
            #expect(try storedPassword(database, name) != before)

            let changedOnce = try storedPassword(database, name)
            let mismatch = try PseudoTerminal(BuiltProduct.path("portal"), ["agent", "password", name, "--db", database.uri()],
                                              environment: ["DATABASE_URL": ""])
            try mismatch.expect("New password for agent \(name): ")
            mismatch.type(secret + "\r", atPrompt: false)
            try mismatch.expect("The same password again: ")
            mismatch.type(secret + "x\r", atPrompt: false)
            try mismatch.expect("the two passwords differ; nothing changed")
            #expect(try mismatch.wait() == 1)
            #expect(try storedPassword(database, name) == changedOnce)
        }
    }

    @Test func aNameThatIsNoAgentIsRefusedWithNothingChanged() throws {
        try withTestDatabase(.migrated) { database in
            let admin = try database.connect()
            defer { admin.close() }
            let plain = newName()
            try admin.query("CREATE ROLE \(try admin.quoteIdentifier(plain)) LOGIN PASSWORD 'a-plain-role-password'")
            let plainBefore = try storedPassword(database, plain)
            let superuserBefore = try storedPassword(database, "postgres")
            for name in ["no_such_agent", plain, "postgres"] {
                for arguments in [["agent", "password", name], ["agent", "password", name, "--clear"]] {
                    let refused = try BuiltProduct.run("portal", arguments + ["--db", database.uri()], input: "a-good-new-password\n")
                    #expect(refused.status == 1, "\(arguments)")
                    #expect(refused.standardError.contains("\(name) is not a support agent; nothing changed"), "\(refused.standardError)")
                }
            }
            #expect(try storedPassword(database, plain) == plainBefore)
            #expect(try storedPassword(database, "postgres") == superuserBefore)
            #expect(try admin.query("SELECT 1 FROM pg_roles WHERE rolname = 'no_such_agent'").rows.isEmpty)
        }
    }

    @Test func aShortOrMissingPasswordChangesNothing() throws {
        try withTestDatabase(.migrated) { database in
            let name = try agent(database, password: "the-first-password")
            let before = try storedPassword(database, name)
            for input in ["short\n", ""] {
                let refused = try BuiltProduct.run("portal", ["agent", "password", name, "--db", database.uri()], input: input)
                #expect(refused.status == 1)
                #expect(refused.standardError.contains("nothing changed"), "\(refused.standardError)")
            }
            #expect(try storedPassword(database, name) == before)
        }
    }

    @Test func clearRemovesThePasswordAndReadsNothing() throws {
        try withTestDatabase(.migrated) { database in
            let name = try agent(database, password: "the-first-password")
            #expect(try storedPassword(database, name) != nil)
            let cleared = try BuiltProduct.run("portal", ["agent", "password", name, "--clear", "--db", database.uri(), "--json"])
            #expect(cleared.status == 0, "\(cleared.standardError)")
            #expect(cleared.standardOutput.contains(#""password":false"#), "\(cleared.standardOutput)")
            #expect(try storedPassword(database, name) == nil)
        }
    }

    @Test func theClearFunctionIsOnlyForAnAgentAndNotAnAgents() throws {
        try withPortalFixture { fixture in
            let name = try fixture.agentRole("kim")
            try PortalAPI(connection: fixture.connection, secrets: nil).setAgentPassword(name: name, password: "an agent's password")
            #expect(sqlState(fixture.connection, "SELECT portal_api.clear_agent_password('postgres')") == "DK106")
            // An agent cannot remove passwords, its own included.
            let agent = try fixture.connect(as: name)
            defer { agent.connection.close() }
            #expect(sqlState(agent.connection, "SELECT portal_api.clear_agent_password('\(name)')") == "42501")
            #expect(try storedPassword(fixture.database, name) != nil)
        }
    }
}
