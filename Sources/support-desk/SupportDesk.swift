import ArgumentParser
import DeskConsole
import PGClient
import PortalStore

/// The support console: agents look up customers and rescue locked-out ones.
@main
struct SupportDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support-desk",
        abstract: "The SupportDesk console for phone-support agents.",
        discussion: """
            Connects with --db, else DATABASE_URL, else libpq's defaults (PGHOST, PGDATABASE, \
            PGUSER, PGSERVICE, ~/.pgpass). Exit status: 0 success, 1 bad usage or a failed \
            command, 2 could not connect, 3 stopped at the first failed command (batch).
            """)

    @Option(name: .long, help: "A PostgreSQL URI or key=value connection string.")
    var db: String?

    /// Runs the console; bad usage exits 1 (DESIGN.md), not ArgumentParser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            Platform.printError(fullMessage(for: error))
            exit(withError: ExitCode.failure)
        }
    }

    func run() throws {
        let address = DatabaseAddress.resolve(flag: db)
        let connection: PGConnection
        let summary: ServerSummary
        do {
            connection = try PGConnection(address)
            summary = try ServerSummary.read(from: connection)
        } catch {
            Platform.printError("support-desk: could not connect (\(DatabaseAddress.source(flag: db))): \(TerminalSafeText.escape(error.message, keepingLineBreaks: true))")
            throw ExitCode(ConsoleExitStatus.connection.rawValue)
        }
        defer { connection.close() }

        let interactive = Platform.isInteractive
        var output = StandardStreams()
        let session = ConsoleSession(interactive: interactive, sourceName: "-")
        let status: ConsoleExitStatus
        if interactive {
            output.write(Banner.render(summary))
            output.write("Type help for the commands, quit or Ctrl-D to leave.")
            var editor = LineEditor()
            status = session.run(&editor, &output)
        } else {
            var lines = StandardInputLines()
            status = session.run(&lines, &output)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
