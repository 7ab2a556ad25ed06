public import PGClient
import DeskDatabase
import SupportClient

/// The console's read–run loop, shared by the terminal, scripts and tests: read a line, run it,
/// write the result in the chosen format, decide whether to go on. It keeps DESIGN.md's batch
/// contract (errors as `SOURCE:LINE: error: …`, exit statuses) and its connection rules (reconnect
/// before the next command; a disable in flight is looked up, never repeated).
public final class ConsoleSession {
    /// The connection and its cancel switch.
    public let link: DatabaseLink
    /// What is remembered between commands.
    public let state = SessionState()
    /// How this run behaves.
    public let settings: ConsoleSettings
    /// Lines are numbered from this one onward.
    public var firstLineNumber = 1
    /// Opens another connection like the session's own, for `--jobs`; without it, scripts run
    /// one command at a time.
    public var connect: (@Sendable () throws -> PGConnection)?
    /// Reads the recovery code of a script's `verify USER` from outside the script, given the
    /// question to show on a terminal: set by the executable for `-c` and `-f FILE`, whose stdin
    /// is free, so codes need not be in the arguments that `ps` shows. Nil when the script
    /// itself comes from stdin (then a missing CODE is an error, as before).
    public var readCode: ((String) -> String?)?

    static let prompt = "support-desk> "

    public init(link: DatabaseLink, settings: ConsoleSettings) {
        self.link = link
        self.settings = settings
    }

    /// Reads who we are and the policy numbers; run once before the first command.
    public func start() throws(ConsoleFailure) {
        do {
            state.identity = try link.api.whoami()
            state.policy = try link.api.policy()
        } catch let error as PGError where error.sqlState == .undefinedFunction || error.sqlState?.rawValue == "3F000" {
            throw ConsoleFailure(.refused, sqlState: error.sqlState?.rawValue,
                                 message: "this database has no SupportDesk support schema (run portal migrate on it)")
        } catch let error as PGError {
            throw ConsoleFailure(error)
        } catch {
            throw .refused(String(describing: error))
        }
    }

    /// Runs commands until input ends, `quit`, a lost connection (batch), or the first failure
    /// (batch with `--on-error stop`). `progress` hears the line count as lines are read.
    public func run<Source: LineSource, Output: ConsoleOutput>(
        _ source: inout Source, _ output: inout Output, progress: ((Int) -> Void)? = nil
    ) -> ConsoleExitStatus {
        let io = ConsoleIO(source: source, output: output, settings: settings)
        defer {
            source = io.source
            output = io.output
        }
        if !settings.interactive, settings.jobs > 1, let connect {
            return runInParallel(io: io, jobs: settings.jobs, connect: connect, progress: progress)
        }
        var lineNumber = firstLineNumber - 1
        var anyFailed = false
        while let input = io.source.nextLine(prompt: Self.prompt) {
            lineNumber += 1
            progress?(lineNumber)
            let outcome = runLine(input, place: "\(settings.sourceName):\(lineNumber)", io: io)
            io.output.endOfCommand()
            switch outcome {
            case .done: continue
            case .quit: return anyFailed && !settings.interactive ? .failure : .success
            case .failed:
                anyFailed = true
                if !settings.interactive && settings.onError == .stop { return .stoppedAtError }
            case .connectionLost:
                if !settings.interactive {
                    if state.requestInFlight != nil { recover(io: io) }
                    return .connection
                }
                recover(io: io)
            }
        }
        return anyFailed && !settings.interactive ? .failure : .success
    }

    enum LineOutcome { case done, quit, failed, connectionLost }

    /// What a line asks for, decided before anything runs.
    enum LinePlan {
        case skip
        case quit
        case refuse(command: String, ConsoleFailure)
        case run(CommandSpec, ParsedCommand)
    }

    /// Reads one line into a plan: comments and blank lines are skipped, mistakes refused.
    func plan(_ input: InputLine, remember: (String) -> Void) -> LinePlan {
        let text: String
        switch input {
        case .unreadable(let why): return .refuse(command: "", .usage(why))
        case .text(let line): text = line
        }
        if settings.interactive, let entry = HistoryFilter.entry(for: text) { remember(entry) }
        let words: [String]
        do {
            words = try CommandTokenizer.words(text)
        } catch {
            return .refuse(command: "", error)
        }
        guard let first = words.first, !first.hasPrefix("#") else { return .skip }
        guard let (spec, consumed) = CommandTable.spec(for: words) else {
            return .refuse(command: first, .usage("unknown command '\(first)' (type help for the list)"))
        }
        if case .quit = spec.action { return .quit }
        do {
            return .run(spec, try spec.parse(words[consumed...]))
        } catch {
            return .refuse(command: spec.name, error)
        }
    }

    private func runLine<Source, Output>(_ input: InputLine, place: String, io: ConsoleIO<Source, Output>) -> LineOutcome {
        switch plan(input, remember: { io.source.remember($0) }) {
        case .skip: return .done
        case .quit: return .quit
        case .refuse(let command, let failure):
            io.fail(command: command, failure, place: place)
            return .failed
        case .run(let spec, let command):
            let outcome = run(spec, command, place: place, io: io)
            guard outcome == .connectionLost, settings.interactive else { return outcome }
            guard spec.isLookUp else {
                // A disable in flight is settled by its request id; any other change is only said.
                let settles = state.requestInFlight != nil
                recover(io: io)
                if command.command == .disable && !settles {
                    // Its request id is kept from the moment it is sent: without one, it never was.
                    io.notice("`\(spec.name)` was not sent: the connection was lost before it, so nothing changed; type it again if it is still wanted", tone: .warning)
                } else if !settles {
                    io.notice("`\(spec.name)` is not sent again by itself: whether it reached the server, `show` tells; type it again if it is still wanted", tone: .warning)
                }
                return .failed
            }
            // A look-up the agent typed is not lost with the connection: once reconnected it
            // runs again, as typed. A change never does (whether it arrived is looked up instead).
            recover(io: io)
            guard link.isConnected else { return .failed }
            io.notice("running `\(spec.name)` again on the new connection (a look-up; a change is never repeated)", tone: .warning)
            return run(spec, command, place: place, io: io)
        }
    }

    /// Runs one command on the session's own connection and writes its result.
    func run<Source, Output>(_ spec: CommandSpec, _ command: ParsedCommand, place: String, io: ConsoleIO<Source, Output>) -> LineOutcome {
        if !link.isConnected && settings.interactive {
            recover(io: io)
            guard link.isConnected else {
                io.fail(command: spec.name, ConsoleFailure(.connectionLost, message: "not connected, so \(spec.name) was not run"), place: place)
                return .done
            }
        }
        var runner = CommandRunner(
            link: link, state: state, interactive: settings.interactive,
            wantsHuman: settings.format == .table || settings.interactive, format: settings.format, times: settings.times,
            ask: { [link] question in Self.asking(link, io) { io.source.ask(question) } },
            readCode: readCode.map { read in
                { question in
                    io.output.endOfCommand()    // earlier results first, then the prompt
                    return read(question)
                }
            },
            say: { io.writeHuman($0) })
        runner.askReady = { [link] question, ready in Self.asking(link, io) { io.source.ask(question, ready: ready) } }
        runner.stream = { line in
            io.output.write(line)
            io.output.endOfCommand()
        }
        link.cancelSwitch.arm(true)
        defer { link.cancelSwitch.arm(false) }
        let started = ContinuousClock.now
        let result = Result { () throws(ConsoleFailure) in try runner.run(command) }
        return io.write(result, command: spec.name, place: place, elapsed: ContinuousClock.now - started)
    }

    /// A question in the middle of a command: what was said so far goes out first, and Ctrl-C
    /// answers the question (ending the command) instead of cancelling a query, as at a prompt.
    private static func asking<Source, Output>(_ link: DatabaseLink, _ io: ConsoleIO<Source, Output>, _ read: () -> String?) -> String? {
        link.cancelSwitch.arm(false)
        defer { link.cancelSwitch.arm(true) }
        io.output.endOfCommand()
        return read()
    }
}
