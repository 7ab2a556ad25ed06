/// The console's exit statuses, as DESIGN.md fixes them for scripts to rely on.
/// Unlike psql, a failed command in a script never ends in 0.
public enum ConsoleExitStatus: Int32, Sendable {
    /// Every command succeeded.
    case success = 0
    /// Bad usage, an unreadable file, or a command failed and the run went on.
    case failure = 1
    /// Could not connect, or lost the connection.
    case connection = 2
    /// Stopped at the first failed command (the default in batch mode).
    case stoppedAtError = 3
}
