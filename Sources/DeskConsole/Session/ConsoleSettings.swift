/// How a console run behaves: decided once by the executable from flags and the terminal.
public struct ConsoleSettings: Sendable {
    /// A person is typing: prompts, questions, row numbers, keep going after errors.
    public var interactive: Bool
    /// How results are written.
    public var format: OutputFormat
    /// What a script run does after a failed command.
    public var onError: ErrorPolicy
    /// Names the input in error messages: a file name, `-` for stdin, `-c` for arguments.
    public var sourceName: String
    /// Colour on the terminal.
    public var colour: Bool
    /// How times are shown to people.
    public var times: TimeText
    /// Print each command's time on stderr, as psql's `\timing` does.
    public var timing: Bool
    /// How many connections a script's look-ups may use side by side (1: one by one).
    public var jobs: Int
    /// How long to keep trying to reconnect after a lost connection (a failover takes seconds).
    public var reconnectWait: Duration
    /// The terminal's width in columns now (it changes when the window does), or nil when the
    /// output is no terminal: tables are then never cut.
    public var terminalColumns: @Sendable () -> Int?

    public init(interactive: Bool, format: OutputFormat = .table, onError: ErrorPolicy = .stop,
                sourceName: String = "-", colour: Bool = false, times: TimeText = TimeText(), timing: Bool = false, jobs: Int = 1,
                reconnectWait: Duration = .seconds(10), terminalColumns: @escaping @Sendable () -> Int? = { nil }) {
        self.interactive = interactive
        self.format = format
        self.onError = onError
        self.sourceName = sourceName
        self.colour = colour
        self.times = times
        self.timing = timing
        self.jobs = jobs
        self.reconnectWait = reconnectWait
        self.terminalColumns = terminalColumns
    }
}
