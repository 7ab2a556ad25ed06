import ArgumentParser
import PGClient
import PortalCore

extension AgentCommands {
    /// `portal agent password NAME [--clear]`: an agent forgot their password, or it may have
    /// leaked, and an administrator sets a new one (or removes it) without dropping the role and
    /// its history. Read and stored exactly as `agent add --password` does.
    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password for an existing agent (or remove it with --clear); needs CREATEROLE.",
            discussion: """
                The new password is read from stdin before connecting (typed twice, hidden, on a \
                terminal; one line when piped) and stored as SCRAM-SHA-256: libpq makes the \
                verifier here and only the verifier reaches the server. The old password stops \
                working at once; sessions already open stay open. With --clear the agent has no \
                password and signs in only with a client certificate.
                """)

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The agent's role name.") var name: String
        @Flag(name: .long, help: "Remove the agent's password instead: it then signs in only with a client certificate.")
        var clear = false

        func run() throws {
            // Asked before connecting, as `agent add` does, so a typo or Ctrl-C changes nothing.
            let typed = try clear ? nil : AgentPasswordInput.read(for: name, prompt: "New password for agent \(name): ",
                                                                   unchanged: "nothing changed")
            try PortalRunner.run(options) { connection in
                let api = PortalAPI(connection: connection, secrets: nil)
                do {
                    if let typed { try api.setAgentPassword(name: name, password: typed) } else { try api.clearAgentPassword(name: name) }
                } catch let error as PGError where error.code == .server {
                    // One statement that the server refused: it changed nothing, and says so.
                    throw PGError(.server, sqlState: error.sqlState, message: "\(error.message); nothing changed")
                }
                return PortalReport(
                    text: typed == nil
                        ? "agent \(name) has no password now: it signs in only with a client certificate (certificate_login)"
                        : "agent \(name) has a new password (SCRAM-SHA-256); the old one no longer signs in",
                    fields: ["agent": name, "password": typed != nil])
            }
        }
    }
}
