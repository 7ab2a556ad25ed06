/// The console's read–run loop.
///
/// This first version knows only the commands that need no support schema (`help`, `quit`);
/// the agent commands are added with the schema. It already keeps the batch contract of
/// DESIGN.md: errors as `SOURCE:LINE: error: …` and a stop at the first failure.
public struct ConsoleSession {
    /// Whether a person is typing (prompts, keep going after errors) or a script is.
    public let interactive: Bool
    /// Names the input in error messages: a file name, `-` for stdin, `-c` for arguments.
    public let sourceName: String

    /// Creates a session.
    public init(interactive: Bool, sourceName: String) {
        self.interactive = interactive
        self.sourceName = sourceName
    }

    static let prompt = "support-desk> "

    static let helpText = """
        Commands available now:
          help      this list
          quit      leave (Ctrl-D too)
        The agent commands (find, show, verify, disable-2fa, log) need the support schema,
        which the next release installs; until then the console can only connect.
        """

    /// Runs commands until input ends, `quit`, or (in batch mode) the first failure.
    public func run<Source: LineSource, Output: ConsoleOutput>(_ source: inout Source, _ output: inout Output) -> ConsoleExitStatus {
        var lineNumber = 0
        while let line = source.nextLine(prompt: Self.prompt) {
            lineNumber += 1
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let command = words.first else { continue }
            switch command {
            case "help", "\\?":
                Self.helpText.split(separator: "\n").forEach { output.write(String($0)) }
            case "quit", "exit", "\\q":
                return .success
            default:
                let shown = TerminalSafeText.escape(String(command))
                let message = "unknown command '\(shown)' (type help for the list)"
                if interactive {
                    output.writeError("error: \(message)")
                } else {
                    output.writeError("\(sourceName):\(lineNumber): error: \(message)")
                    return .stoppedAtError
                }
            }
        }
        return .success
    }
}
