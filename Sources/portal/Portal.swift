import CommandLineSupport
import ArgumentParser
import Foundation

/// The portal side of SupportDesk, as a command-line tool, and the web portal (`portal serve`).
@main
struct Portal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Portal-side tasks for SupportDesk's database.",
        discussion: """
            Exit status: 0 success, 1 refusal or error, 2 the database cannot be reached. \
            When the server wants a password and none is given, it is asked for on the terminal \
            (hidden; once more after a wrong one), never without a terminal or with -w. The \
            services (serve; chain and notify without --once) never ask: they reconnect unattended.
            """,
        subcommands: [
            Status.self, Migrate.self, CustomerCommands.self, UserCommands.self, TwoFactorCommands.self,
            Login.self, Mandatory.self, AgentCommands.self, Seed.self, Chain.self, Notify.self, Serve.self,
        ])

    /// Runs a subcommand. Bad usage exits 1 as documented, not ArgumentParser's 64; with
    /// `--json`, every failure that reaches here (bad arguments, a missing or malformed
    /// PORTAL_SECRET_KEY, a password not given) still prints one JSON object on stdout, so a
    /// script reading stdout always gets an answer.
    static func main() {
        mainWithDocumentedStatus { message in
            PortalRunner.wantsJSON(CommandLine.arguments) ? PortalRunner.failureJSON(sqlState: nil, message: message) : nil
        }
    }
}

/// Options every portal subcommand shares (but `serve`, which never asks for a password).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "A PostgreSQL URI or key=value string (default: DATABASE_URL, then libpq defaults).")
    var db: String?

    /// `-w`: never ask for a password, as the console's `-w`.
    @OptionGroup var signIn: SignInOptions

    @Flag(name: .long, help: "Print one JSON object on stdout instead of text.")
    var json = false
}
