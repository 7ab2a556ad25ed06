import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal agent …`
struct AgentCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Support agents' database roles.", subcommands: [Add.self, Limit.self])

    /// `portal agent add NAME [--supervisor] [--connection-limit N]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an agent's login role in support_agent (or support_supervisor); needs CREATEROLE.")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The role name: lower-case letters, digits, underscores.") var name: String
        @Flag(name: .long, help: "Make the agent a supervisor.") var supervisor = false
        @Option(name: .long, help: "How many connections the agent may hold at once (1-1000).")
        var connectionLimit = PortalAPI.defaultAgentConnectionLimit

        func run() throws {
            try PortalRunner.run(options) { connection in
                try PortalAPI(connection: connection, secrets: nil)
                    .createAgent(name: name, supervisor: supervisor, connectionLimit: connectionLimit)
                let group = supervisor ? "support_supervisor" : "support_agent"
                return PortalReport(
                    text: "created agent \(name) in \(group), at most \(connectionLimit) connections (set a password or a client certificate for it to log in)",
                    fields: ["agent": name, "supervisor": supervisor, "connection_limit": connectionLimit])
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
