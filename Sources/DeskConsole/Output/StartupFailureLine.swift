/// The one line a `--format json` run writes on stdout when it fails before any command runs (the
/// server unreachable, the role refused): a script that reads stdout gets `ok:false` and the
/// reason, not silence.
public enum StartupFailureLine {
    /// The JSON line for a run that could not start, under the command name `connect`.
    public static func json(sqlState: String?, message: String) -> String {
        JSONLineWriter.failureLine(command: "connect", ConsoleFailure(.connectionLost, sqlState: sqlState, message: message))
    }
}
