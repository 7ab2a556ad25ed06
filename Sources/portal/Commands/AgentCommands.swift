import ArgumentParser
import PortalStore

/// `portal agent …`
struct AgentCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Support agents' database roles.", subcommands: [Add.self])

    /// `portal agent add NAME [--supervisor]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an agent's login role in support_agent (or support_supervisor); needs CREATEROLE.")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The role name: lower-case letters, digits, underscores.") var name: String
        @Flag(name: .long, help: "Make the agent a supervisor.") var supervisor = false

        func run() throws {
            try PortalRunner.run(options) { connection in
                try PortalAPI(connection: connection, secrets: nil).createAgent(name: name, supervisor: supervisor)
                let group = supervisor ? "support_supervisor" : "support_agent"
                return PortalReport(text: "created agent \(name) in \(group) (set a password or a client certificate for it to log in)",
                                    fields: ["agent": name, "supervisor": supervisor])
            }
        }
    }
}
