/// The input and output of one run, held by reference so commands can ask a question or show
/// lines in the middle of running; and the one place results and failures are written.
final class ConsoleIO<Source: LineSource, Output: ConsoleOutput> {
    var source: Source
    var output: Output
    let settings: ConsoleSettings
    private let styler: Styler
    /// The JSON line being written, its buffer kept from command to command.
    private var jsonLine: [UInt8] = []
    /// The CSV headers this run has written: each kind of table gets one.
    private var csvHeaders = Set<String>()

    init(source: Source, output: Output, settings: ConsoleSettings) {
        self.source = source
        self.output = output
        self.settings = settings
        self.styler = Styler(colour: settings.colour)
    }

    /// Writes a command's result in the chosen format; a failed answer also goes to stderr.
    func emit(_ report: CommandReport, place: String) {
        switch settings.format {
        case .table: writeHuman(report.human)
        case .json:
            JSONLineWriter.write(report, into: &jsonLine) { output.writePart($0) }
            jsonLine.withUnsafeBufferPointer { output.writeUTF8($0) }
        case .csv: CSVWriter.write(report, headersWritten: &csvHeaders) { output.write($0) }
        }
        if let failure = report.failure { writeFailure(failure, place: place) }
    }

    /// Writes what a command came to, with its time when `--timing` asks, and says what it means
    /// for the run.
    func write(_ result: Result<CommandReport, ConsoleFailure>, command: String, place: String, elapsed: Duration) -> ConsoleSession.LineOutcome {
        switch result {
        case .success(let report):
            emit(report, place: place)
            if settings.timing { timing(elapsed) }
            return report.failure == nil ? .done : .failed
        case .failure(let failure):
            if settings.timing { timing(elapsed) }
            fail(command: command, failure, place: place)
            switch failure.kind {
            case .connectionLost: return .connectionLost
            case .cancelled: return settings.interactive ? .done : .failed
            default: return .failed
            }
        }
    }

    /// Writes a command that failed before it had a result.
    func fail(command: String, _ failure: ConsoleFailure, place: String) {
        if settings.format == .json { output.write(JSONLineWriter.failureLine(command: command, failure)) }
        writeFailure(failure, place: place)
    }

    /// Human lines on stdout, straight away.
    func writeHuman(_ blocks: [HumanBlock]) {
        HumanWriter.write(blocks, styler: styler, width: settings.terminalColumns()) { output.write($0) }
    }

    /// A message about the session itself (reconnects), on stderr. Escaped here, at the output
    /// boundary: it names members and requests from the database.
    func notice(_ message: String, tone: Tone) {
        let safe = TerminalSafeText.escape(message, keepingLineBreaks: true)
        output.writeError(styler.apply(tone, settings.interactive ? Self.sentence(safe) : "support-desk: \(safe)"))
    }

    /// A command's time on stderr: `Time: 1.234 ms`.
    func timing(_ elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        output.writeError("Time: \(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) ms")
    }

    private func writeFailure(_ failure: ConsoleFailure, place: String) {
        let message = TerminalSafeText.escape(failure.message, keepingLineBreaks: true)
        if settings.interactive {
            output.writeError(styler.apply(failure.kind == .cancelled ? .warning : .danger, Self.sentence(message)))
        } else {
            output.writeError("\(place): error: \(message)")
        }
    }

    /// A message as a sentence: a capital first letter when the first word is an ordinary word
    /// (an email, `#ID` or role name stays exactly as stored: `john.smith@…`, not `John.smith@…`),
    /// and a full stop at the end unless it already ends a sentence.
    static func sentence(_ message: String) -> String {
        guard let first = message.first else { return message }
        let firstWord = message.prefix { $0 != " " && $0 != ":" && $0 != "," }
        let ordinary = firstWord.allSatisfy { $0.isLetter || $0 == "'" || $0 == "-" }
        var text = ordinary ? first.uppercased() + message.dropFirst() : message
        if let last = text.last, !".!?:…".contains(last) { text += "." }
        return text
    }
}
