import CommandLineSupport
public import ArgumentParser
import DeskConsole
import Foundation
import PGClient
import DeskDatabase

/// The support console: agents look up customers and rescue locked-out ones.
@main
struct SupportDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support-desk",
        abstract: "The SupportDesk console for phone-support agents.",
        discussion: """
            Interactive when stdin and stdout are terminals; otherwise commands are read from \
            stdin, -c or -f. Connects with --db, else DATABASE_URL, else libpq's defaults \
            (PGHOST, PGDATABASE, PGUSER, PGSERVICE, ~/.pgpass). With -c or -f, verify USER \
            without a CODE reads the code from stdin, keeping it out of the arguments ps shows. \
            Exit status: 0 every command succeeded, 1 bad usage, an unreadable file or a failed command (--on-error continue), \
            2 could not connect or lost the connection, 3 stopped at the first failed command. \
            When the server wants a password and none is given, it is asked for on the terminal \
            (hidden; once more after a wrong one), never without a terminal or with -w.
            """)

    @Option(name: .long, help: "A PostgreSQL URI or key=value connection string.")
    var db: String?

    @Option(name: [.short, .customLong("command")], help: ArgumentHelp("Run this command (repeatable), then exit.", valueName: "CMD"))
    var commands: [String] = []

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("Run the commands in FILE (- for stdin), then exit.", valueName: "FILE"))
    var file: String?

    @Option(name: .long, help: "Result format: table, json (one object per command per line) or csv.")
    var format: OutputFormat = .table

    @Option(name: .customLong("on-error"), help: "In a script, after a failed command: stop (exit 3) or continue (exit 1 at the end).")
    var onError: ErrorPolicy = .stop

    @Flag(name: .long, help: "Print each command's time on stderr (Time: 1.234 ms), like psql's \\timing.")
    var timing = false

    @Option(name: .long, help: ArgumentHelp("In a script, run up to N look-ups side by side on N connections (1–16); results stay in order.", valueName: "N"))
    var jobs: Int = 1

    @OptionGroup var signInOptions: SignInOptions

    @Option(name: .customLong("reconnect-wait"), help: ArgumentHelp("After a lost connection, keep trying to reconnect for up to SECONDS (0–120, default 10), as a failover takes seconds; Ctrl-C stops waiting.", valueName: "SECONDS"))
    var reconnectWait: Int = 10

    /// Runs the console; bad usage exits 1 (DESIGN.md), not ArgumentParser's 64.
    static func main() { mainWithDocumentedStatus() }

    func validate() throws {
        if !commands.isEmpty && file != nil { throw ValidationError("Use either -c or -f, not both.") }
        if !(1...16).contains(jobs) { throw ValidationError("--jobs takes 1 to 16.") }
        if !(0...120).contains(reconnectWait) { throw ValidationError("--reconnect-wait takes 0 to 120 seconds.") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let interactive = commands.isEmpty && file == nil && Platform.isInteractive
        var input = try InputChoice(commands: commands, file: file)

        let address = DatabaseAddress.resolve(flag: db)
        let connection: PGConnection
        let password: String?
        let summary: ServerSummary
        do {
            let signedIn = try signIn(address).open()
            connection = signedIn.connection
            password = signedIn.typedPassword
            summary = try ServerSummary.read(from: connection)
        } catch {
            let message = (error as? PasswordSignIn.Failure)?.message ?? (error as? PGError)?.message ?? "\(error)"
            if format == .json {
                Platform.printLine(StartupFailureLine.json(sqlState: (error as? PGError)?.sqlState?.rawValue, message: "could not connect: \(message)"))
            }
            StandardError.write("support-desk: could not connect (\(DatabaseAddress.source(flag: db))): \(TerminalSafeText.escape(message, keepingLineBreaks: true))")
            throw ExitCode(ConsoleExitStatus.connection.rawValue)
        }
        defer { connection.close() }

        let colour = interactive && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        let settings = ConsoleSettings(
            interactive: interactive, format: format, onError: onError,
            sourceName: input.sourceName, colour: colour, timing: timing, jobs: jobs,
            reconnectWait: .seconds(reconnectWait),
            terminalColumns: { Platform.terminalColumns() })
        let session = ConsoleSession(link: DatabaseLink(connection: connection), settings: settings)
        session.connect = { try PGConnection(address, password: password) }
        if !interactive && input.leavesStandardInputFree { session.readCode = StandardInputCodes().read }
        do {
            try session.start()
        } catch {
            if format == .json { Platform.printLine(StartupFailureLine.json(sqlState: error.sqlState, message: error.message)) }
            StandardError.write("support-desk: \(TerminalSafeText.escape(error.message, keepingLineBreaks: true))")
            throw ExitCode(error.kind == .connectionLost ? ConsoleExitStatus.connection.rawValue : ConsoleExitStatus.failure.rawValue)
        }

        let status: ConsoleExitStatus
        if interactive {
            Platform.useUTF8Locale()
            let interruptPipe = Platform.makeInterruptPipe()
            let pokeFD = interruptPipe?.write ?? -1
            Platform.routeInterrupts { [cancelSwitch = session.link.cancelSwitch] in
                // A running query is cancelled; at a prompt, the line (or question) is dropped.
                if !cancelSwitch.cancel() && pokeFD >= 0 { Platform.poke(pokeFD) }
            }
            Platform.ignoreBrokenPipes()
            var output = StandardStreams(pager: Self.pager(environment))
            output.write(Banner.render(summary, identity: session.state.identity, colour: colour))
            output.write("Type help for the commands, quit or Ctrl-D to leave.")
            output.endOfCommand()
            var editor = LineEditor(historyPath: Self.historyPath(environment), state: session.state, interruptFD: interruptPipe?.read)
            status = session.run(&editor, &output)
        } else {
            // Ctrl-C ends a script as it always did, but stops a `log follow` cleanly, so a
            // shipper that is told to stop still says where to carry on.
            Platform.routeInterrupts { [cancelSwitch = session.link.cancelSwitch] in
                if !cancelSwitch.stopFollowing() { Platform.dieOfInterrupt() }
            }
            var output = StandardStreams(pager: nil)
            let showProgress = Platform.standardErrorIsTerminal
            let progress: ((Int) -> Void)? = showProgress ? { Self.progress($0) } : nil
            status = input.run(session, &output, progress: progress)
            if showProgress { Platform.printProgress("\r\u{1B}[K") }
            Platform.flushOutput()
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension ErrorPolicy: ExpressibleByArgument {}
