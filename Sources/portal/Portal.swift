import ArgumentParser
import Foundation

/// The portal side of SupportDesk, as a command-line tool, and the web portal (`portal serve`).
@main
struct Portal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Portal-side tasks for SupportDesk's database.",
        discussion: "Exit status: 0 success, 1 refusal or error, 2 the database cannot be reached.",
        subcommands: [
            Status.self, Migrate.self, CustomerCommands.self, UserCommands.self, TwoFactorCommands.self,
            Login.self, Mandatory.self, AgentCommands.self, Seed.self, Chain.self, Serve.self,
        ])

    /// Runs a subcommand; bad usage exits 1 as documented, not ArgumentParser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode.failure)
        }
    }
}

/// Options every portal subcommand shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "A PostgreSQL URI or key=value string (default: DATABASE_URL, then libpq defaults).")
    var db: String?

    @Flag(name: .long, help: "Print one JSON object on stdout instead of text.")
    var json = false
}
