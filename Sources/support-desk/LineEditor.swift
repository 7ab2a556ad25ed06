import CLibEdit
import DeskConsole

#if canImport(Glibc)
import Glibc
#endif

/// Terminal input through libedit: line editing, and history for the session.
struct LineEditor: LineSource {
    mutating func nextLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else {
            print() // Ctrl-D: end the prompt's line so the shell's prompt starts on its own
            return nil
        }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.allSatisfy(\.isWhitespace) { add_history(raw) }
        return line
    }
}

/// Lines from standard input, for scripts and pipes.
struct StandardInputLines: LineSource {
    mutating func nextLine(prompt: String) -> String? {
        readLine(strippingNewline: true)
    }
}

/// Results to stdout, diagnostics to stderr.
struct StandardStreams: ConsoleOutput {
    mutating func write(_ line: String) { print(line) }
    mutating func writeError(_ line: String) { Platform.printError(line) }
}
