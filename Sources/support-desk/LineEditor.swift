import CLibEdit
import DeskConsole
import Foundation

/// Completion state that libedit's C callback reads; set before each prompt, on the one thread
/// that runs the console.
nonisolated(unsafe) private var completionEmails: Set<String> = []
nonisolated(unsafe) private var completionMatches: [String] = []

/// libedit's completion generator: called with state 0, 1, 2… until it returns NULL.
private func completionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 {
        let raw = supportdesk_line_before_cursor()
        defer { free(raw) }
        let before = raw.map { String(cString: $0) } ?? ""
        completionMatches = Completion.candidates(for: before, seenEmails: completionEmails)
    }
    let index = Int(state)
    guard index < completionMatches.count else { return nil }
    return strdup(completionMatches[index])
}

/// Terminal input through libedit: line editing, completion, and a history file (mode 0600)
/// that never holds a recovery code (the console filters each entry before `remember`).
final class LineEditor: LineSource {
    private let historyPath: String?
    private let state: SessionState

    init(historyPath: String?, state: SessionState) {
        self.historyPath = historyPath
        self.state = state
        supportdesk_configure_completion(completionGenerator)
        stifle_history(1000)
        if let historyPath, Platform.prepareHistoryFile(historyPath) { read_history(historyPath) }
    }

    func nextLine(prompt: String) -> InputLine? {
        completionEmails = state.seenEmails
        guard let raw = readline(prompt) else {
            print() // Ctrl-D: end the prompt's line so the shell's prompt starts on its own
            return nil
        }
        defer { free(raw) }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
        guard let line = String(validating: bytes, as: UTF8.self) else { return .unreadable("the line is not valid UTF-8") }
        return .text(line)
    }

    func ask(_ question: String) -> String? {
        guard let raw = readline(question) else {
            print()
            return nil
        }
        defer { free(raw) }
        return String(cString: raw)
    }

    func remember(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        add_history(entry)
        if let historyPath, Platform.prepareHistoryFile(historyPath) { write_history(historyPath) }
    }
}

/// Results to stdout, diagnostics to stderr; interactively, a result longer than the screen
/// goes through `$PAGER` as in psql.
struct StandardStreams: ConsoleOutput {
    /// The pager command, or nil to print straight to the terminal.
    let pager: String?
    private var pending: [String] = []

    init(pager: String?) { self.pager = pager }

    mutating func write(_ line: String) {
        if pager == nil { Platform.printLine(line) } else { pending.append(line) }
    }

    mutating func writeError(_ line: String) {
        flushPending(paging: false)
        Platform.printError(line)
    }

    mutating func endOfCommand() {
        flushPending(paging: true)
        Platform.flushOutput()
    }

    private mutating func flushPending(paging: Bool) {
        guard !pending.isEmpty else { return }
        defer { pending = [] }
        if paging, let pager, let rows = Platform.terminalRows, pending.count >= rows - 1,
           Platform.page(pending, through: pager) {
            return
        }
        pending.forEach(Platform.printLine)
        Platform.flushOutput()
    }
}
