import CommandLineSupport
import ArgumentParser
import DeskConsole

/// Where a script's commands come from: `-c` arguments, a `-f` file, or stdin.
struct InputChoice {
    private enum Kind {
        case arguments([String])
        case descriptor(Int32)
    }
    private let kind: Kind
    /// Names the input in `SOURCE:LINE: error:` messages.
    let sourceName: String

    /// Whether stdin is free for other things (recovery codes) because the commands come from
    /// `-c` or a `-f` file rather than from stdin.
    var leavesStandardInputFree: Bool {
        switch kind {
        case .arguments: true
        case .descriptor(let fd): fd != 0
        }
    }

    /// Opens the input, or exits 1 when a file cannot be read.
    init(commands: [String], file: String?) throws {
        if !commands.isEmpty {
            kind = .arguments(commands)
            sourceName = "-c"
        } else if let file, file != "-" {
            switch Platform.openForReading(file) {
            case .success(let fd): kind = .descriptor(fd)
            case .failure(let why):
                StandardError.write("support-desk: cannot read \(TerminalSafeText.escape(file)): \(why.reason)")
                throw ExitCode(ConsoleExitStatus.failure.rawValue)
            }
            sourceName = file
        } else {
            kind = .descriptor(0)
            sourceName = "-"
        }
    }

    /// Runs the session over this input.
    mutating func run(_ session: ConsoleSession, _ output: inout StandardStreams, progress: ((Int) -> Void)?) -> ConsoleExitStatus {
        switch kind {
        case .arguments(let commands):
            var lines = ScriptLines(commands)
            return session.run(&lines, &output, progress: progress)
        case .descriptor(let fd):
            var lines = ByteLineReader(readChunk: Platform.chunkReader(fd: fd))
            return session.run(&lines, &output, progress: progress)
        }
    }
}
