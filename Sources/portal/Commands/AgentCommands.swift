import ArgumentParser
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal agent …`
struct AgentCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Support agents' database roles.", subcommands: [Add.self, Password.self, Limit.self])

    /// `portal agent add NAME [--supervisor] [--connection-limit N] [--password]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an agent's login role in support_agent (or support_supervisor); needs CREATEROLE.",
            discussion: """
                With --password, the agent's password is read from stdin (typed twice, hidden, on a \
                terminal; one line when piped) and stored as SCRAM-SHA-256: libpq makes the verifier \
                here and only the verifier reaches the server.
                """)

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The role name: lower-case letters, digits, underscores.") var name: String
        @Flag(name: .long, help: "Make the agent a supervisor.") var supervisor = false
        @Option(name: .long, help: "How many connections the agent may hold at once (1-1000).")
        var connectionLimit = PortalAPI.defaultAgentConnectionLimit
        @Flag(name: .long, help: "Read the agent's password from stdin (hidden and asked twice on a terminal) and store it as SCRAM-SHA-256.")
        var password = false

        func run() throws {
            // Asked before connecting, so a typo or Ctrl-C leaves nothing half made.
            let typed = try password ? AgentPasswordInput.read(for: name) : nil
            try PortalRunner.run(options) { connection in
                let api = PortalAPI(connection: connection, secrets: nil)
                try connection.transaction { _ in
                    try api.createAgent(name: name, supervisor: supervisor, connectionLimit: connectionLimit)
                    if let typed { try api.setAgentPassword(name: name, password: typed) }
                }
                let group = supervisor ? "support_supervisor" : "support_agent"
                let login = typed == nil
                    ? " (give it a password, --password, or a client certificate for it to log in)"
                    : ", with a password (SCRAM-SHA-256)"
                return PortalReport(
                    text: "created agent \(name) in \(group), at most \(connectionLimit) connections\(login)",
                    fields: ["agent": name, "supervisor": supervisor, "connection_limit": connectionLimit,
                             "password": typed != nil])
            }
        }
    }

    /// `portal agent limit NAME N`
    struct Limit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change how many connections an existing agent may hold at once; needs CREATEROLE.")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The agent's role name.") var name: String
        @Argument(help: "The new connection limit (1-1000).") var connectionLimit: Int

        func run() throws {
            try PortalRunner.run(options) { connection in
                try PortalAPI(connection: connection, secrets: nil).setAgentConnectionLimit(name: name, connectionLimit: connectionLimit)
                return PortalReport(text: "agent \(name) may now hold at most \(connectionLimit) connections",
                                    fields: ["agent": name, "connection_limit": connectionLimit])
            }
        }
    }
}
