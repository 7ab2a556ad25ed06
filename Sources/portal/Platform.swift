#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few libc calls the portal needs, kept in one place.
enum Platform {
    /// Whether a descriptor is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Writes to standard error without buffering.
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Reads one line from standard input; on a terminal, prompts on stderr and hides the typing.
    /// Echo goes off before the prompt appears, so nothing typed after the prompt is ever shown.
    static func readSecretLine(prompt: String) -> String? {
        guard isTerminal(STDIN_FILENO) else { return readLine(strippingNewline: true) }
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        terminalToRestore = saved
        // Ctrl-C while typing must not leave the terminal without echo.
        let previous = signal(SIGINT) { _ in
            if var terminal = terminalToRestore { tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal) }
            _exit(130)
        }
        var hidden = saved
        hidden.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden)
        FileHandle.standardError.write(Data(prompt.utf8))
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            signal(SIGINT, previous)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}

/// The terminal settings to restore if the program is interrupted while echo is off. A global,
/// because a signal handler cannot capture anything; it is written once before the handler is
/// installed and only read by it.
nonisolated(unsafe) private var terminalToRestore: termios?
