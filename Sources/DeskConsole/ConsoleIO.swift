/// Where the console reads commands from: a line editor on a terminal, stdin or a file in a
/// script, a list of strings in tests.
public protocol LineSource {
    /// The next line without its newline, or nil at end of input. `prompt` is shown only by
    /// interactive sources.
    mutating func nextLine(prompt: String) -> String?
}

/// Where the console writes: results to one stream, diagnostics to the other, so a script can
/// pipe results while errors still reach the person running it.
public protocol ConsoleOutput {
    /// Writes a result line.
    mutating func write(_ line: String)
    /// Writes a diagnostic line.
    mutating func writeError(_ line: String)
}

/// A fixed list of lines, for tests and `-c`.
public struct ScriptLines: LineSource {
    private var lines: IndexingIterator<[String]>

    /// Serves `lines` in order.
    public init(_ lines: [String]) { self.lines = lines.makeIterator() }

    public mutating func nextLine(prompt: String) -> String? { lines.next() }
}

/// Collects output in memory, for tests.
public struct CapturedOutput: ConsoleOutput {
    /// Result lines written so far.
    public private(set) var lines: [String] = []
    /// Diagnostic lines written so far.
    public private(set) var errors: [String] = []

    /// Starts empty.
    public init() {}

    public mutating func write(_ line: String) { lines.append(line) }
    public mutating func writeError(_ line: String) { errors.append(line) }
}
