/// One line of input as the console receives it: text, or the reason it cannot be text.
public enum InputLine: Sendable, Equatable {
    /// A line of valid UTF-8, without its newline.
    case text(String)
    /// A line that was refused before parsing (not UTF-8, too long); the run goes on.
    case unreadable(String)
}

/// Where the console reads commands from: a line editor on a terminal, stdin or a file in a
/// script, a list of strings in tests.
public protocol LineSource {
    /// The next line, or nil at end of input. `prompt` is shown only by interactive sources.
    mutating func nextLine(prompt: String) -> InputLine?
    /// Asks the person at the terminal a question (a recovery code, a y/N); never remembered
    /// in history. Nil when there is nobody to ask or input ended.
    mutating func ask(_ question: String) -> String?
    /// Asks with `ready` already on the line, as if typed, for the person to take with Enter,
    /// edit or erase (the call's ticket). Sources that cannot put text on the line just ask.
    mutating func ask(_ question: String, ready: String) -> String?
    /// Adds an entry to the history; the console has already taken any recovery code out.
    mutating func remember(_ entry: String)
}

extension LineSource {
    public mutating func ask(_ question: String) -> String? { nil }
    public mutating func ask(_ question: String, ready: String) -> String? { ask(question) }
    public mutating func remember(_ entry: String) {}
}

/// Where the console writes: results to one stream, diagnostics to the other, so a script can
/// pipe results while errors still reach the person running it.
public protocol ConsoleOutput {
    /// Writes a result line (ending any line begun with `writePart`).
    mutating func write(_ line: String)
    /// Writes the first parts of a result line, which the next `write` ends: a page of any
    /// size goes out as one JSON line without being held whole.
    mutating func writePart(_ text: String)
    /// Writes a result line given as UTF-8 bytes (without its newline): what the JSON writer
    /// produces, a line per command of a long script, written without making a String of it.
    mutating func writeUTF8(_ line: UnsafeBufferPointer<UInt8>)
    /// Writes a diagnostic line.
    mutating func writeError(_ line: String)
    /// Marks the end of one command's result, so an interactive output can page it.
    mutating func endOfCommand()
}

extension ConsoleOutput {
    public mutating func endOfCommand() {}
    public mutating func writeUTF8(_ line: UnsafeBufferPointer<UInt8>) { write(String(decoding: line, as: UTF8.self)) }
}

/// A fixed list of lines, for tests and `-c`.
public struct ScriptLines: LineSource {
    private var lines: IndexingIterator<[String]>

    /// Serves `lines` in order.
    public init(_ lines: [String]) { self.lines = lines.makeIterator() }

    public mutating func nextLine(prompt: String) -> InputLine? { lines.next().map(InputLine.text) }
}

/// Collects output in memory, for tests.
public struct CapturedOutput: ConsoleOutput {
    /// Result lines written so far.
    public private(set) var lines: [String] = []
    /// Diagnostic lines written so far.
    public private(set) var errors: [String] = []
    private var partial = ""

    /// Starts empty.
    public init() {}

    public mutating func write(_ line: String) {
        lines.append(partial + line)
        partial = ""
    }

    public mutating func writePart(_ text: String) { partial += text }
    public mutating func writeError(_ line: String) { errors.append(line) }
}
