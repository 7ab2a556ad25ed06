#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a secret (a password, a recovery code) from a terminal without showing it, shared by
/// both executables. Off a terminal, the line is read as it comes.
public enum HiddenTyping {
    /// Runs `body` (which reads a line from stdin) with the typing hidden when stdin is a
    /// terminal, after `prompt` on stderr; otherwise just runs it. Echo is off before the prompt
    /// appears, so nothing typed after it is shown, and Ctrl-C while typing restores the terminal
    /// before the process ends.
    public static func read<T>(prompt: String, _ body: () -> T) -> T {
        guard isatty(0) == 1 else { return body() }
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return body() }
        terminalToRestore = saved
        let previous = signal(SIGINT) { _ in
            if var terminal = terminalToRestore { tcsetattr(0, TCSAFLUSH, &terminal) }
            _exit(130)
        }
        var hidden = saved
        hidden.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &hidden)
        fflush(stdout)
        fputs(prompt, stderr)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            signal(SIGINT, previous)
            fputs("\n", stderr)
        }
        return body()
    }

    /// One line from stdin, hidden on a terminal; nil at the end of input.
    public static func readLine(prompt: String) -> String? {
        read(prompt: prompt) { Swift.readLine(strippingNewline: true) }
    }
}

/// The terminal settings to restore if Ctrl-C ends the program while typing is hidden. A global,
/// because a signal handler cannot capture anything; written before the handler is installed and
/// only read by it.
nonisolated(unsafe) private var terminalToRestore: termios?
