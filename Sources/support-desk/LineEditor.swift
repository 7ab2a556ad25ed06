import CommandLineSupport
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

/// libedit's attempted-completion hook: the generator's matches, inserted as they are (libedit
/// would quote its own matches as file names) and no file names after them.
private func attemptCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    supportdesk_completion_over()
    return rl_completion_matches(text, completionGenerator)
}

/// The pipe Ctrl-C pokes while the console waits at a prompt, and keys queued for libedit.
nonisolated(unsafe) private var interruptReadFD: Int32 = -1
nonisolated(unsafe) private var queuedKeys: [Int32] = []
/// Set when Ctrl-C was pressed since the current question was asked, so the question's answer
/// is "cancelled", not an empty line.
nonisolated(unsafe) private var questionInterrupted = false
/// Set while a question (not the command prompt) is asked: Ctrl-D then cancels it even when the
/// line holds text, as a ticket already typed in part does.
nonisolated(unsafe) private var askingQuestion = false

/// libedit's key reader: one Unicode scalar per call (libedit stores it as a wide character),
/// or -1 at end of input. Ctrl-C at a prompt becomes "kill the line, then Enter", so the line
/// typed so far is dropped and a fresh prompt appears, as in psql; a question gets no answer.
private func readKey(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
    if !queuedKeys.isEmpty { return queuedKeys.removeFirst() }
    var scalar: UInt32 = 0
    var remaining = 0
    while true {
        switch Platform.nextKey(interruptFD: interruptReadFD) {
        case .end:
            return -1
        case .interrupt:
            questionInterrupted = true
            queuedKeys = [0x0D]
            return 0x15     // Ctrl-U: kill the whole line
        case .byte(0x04) where askingQuestion && remaining == 0:
            questionInterrupted = true   // Ctrl-D at a question: the same, whatever the line holds
            queuedKeys = [0x0D]
            return 0x15
        case .byte(let byte):
            switch byte {
            case 0x00..<0x80 where remaining == 0: return Int32(byte)
            case 0xC0..<0xE0: (scalar, remaining) = (UInt32(byte & 0x1F), 1)
            case 0xE0..<0xF0: (scalar, remaining) = (UInt32(byte & 0x0F), 2)
            case 0xF0..<0xF8: (scalar, remaining) = (UInt32(byte & 0x07), 3)
            case 0x80..<0xC0 where remaining > 0:
                scalar = scalar << 6 | UInt32(byte & 0x3F)
                remaining -= 1
                if remaining == 0 { return Int32(bitPattern: scalar) }
            default:
                (scalar, remaining) = (0, 0)    // a broken sequence: drop it
            }
        }
    }
}

/// Terminal input through libedit: line editing, completion, and a history file (mode 0600)
/// that never holds a recovery code (the console filters each entry before `remember`).
final class LineEditor: LineSource {
    private let historyPath: String?
    private let state: SessionState

    /// `interruptFD` is the read end of the pipe the Ctrl-C thread pokes at a prompt.
    init(historyPath: String?, state: SessionState, interruptFD: Int32?) {
        self.historyPath = historyPath
        self.state = state
        supportdesk_configure_completion(completionGenerator, attemptCompletion)
        if let interruptFD {
            interruptReadFD = interruptFD
            supportdesk_set_getc(readKey)
        }
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

    /// The answer, or nil when Ctrl-C or Ctrl-D ended the question: the command is cancelled.
    func ask(_ question: String) -> String? {
        ask(question, ready: "")
    }

    /// Lines typed before the question appeared are thrown away first: a command typed ahead, or
    /// Enter pressed twice, must never become a reason, a ticket or a yes (the hidden password
    /// prompt flushes the same way). `ready` is then queued as keys before the person's, so
    /// libedit shows and edits it as if typed; without our key reader nothing can be queued.
    func ask(_ question: String, ready: String) -> String? {
        Platform.discardTypedAhead()
        queuedKeys = interruptReadFD >= 0 ? ready.unicodeScalars.map { Int32(bitPattern: $0.value) } : []
        questionInterrupted = false
        askingQuestion = true
        defer { askingQuestion = false }
        guard let raw = readline(question) else {
            print()
            return nil
        }
        defer { free(raw) }
        return questionInterrupted ? nil : String(cString: raw)
    }

    func remember(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        add_history(entry)
        if let historyPath, Platform.prepareHistoryFile(historyPath) { write_history(historyPath) }
    }
}

/// Results to stdout, diagnostics to stderr; interactively, a result longer than the screen
/// goes through `$PAGER` as in psql. The pager starts as soon as a result outgrows the screen
/// and the rest streams into it, so a long result is never held whole.
struct StandardStreams: ConsoleOutput {
    /// The pager command, or nil to print straight to the terminal.
    let pager: String?
    private var pending: [String] = []
    private var partial = ""
    /// The pager a long result is streaming into, until the command ends.
    private var pagerPipe: Platform.Pager?

    init(pager: String?) { self.pager = pager }

    mutating func write(_ line: String) {
        guard let pager else {
            Platform.printLine(line)
            return
        }
        let whole = partial + line
        partial = ""
        if let pagerPipe {
            pagerPipe.write(whole)
            return
        }
        pending.append(whole)
        if let rows = Platform.terminalRows, pending.count >= rows - 1, let opened = Platform.Pager(command: pager) {
            pending.forEach(opened.write)
            pending = []
            pagerPipe = opened
        }
    }

    mutating func writePart(_ text: String) {
        if pager == nil { Platform.printPart(text) } else { partial += text }
    }

    mutating func writeUTF8(_ line: UnsafeBufferPointer<UInt8>) {
        guard pager == nil else { return pending.append(String(decoding: line, as: UTF8.self)) }
        Platform.printLine(line)
    }

    mutating func writeError(_ line: String) {
        endPaging()
        StandardError.write(line)
    }

    mutating func endOfCommand() {
        endPaging()
        Platform.flushOutput()
    }

    /// Waits for the pager to be quit, or prints what was held back for it.
    private mutating func endPaging() {
        if !partial.isEmpty { write("") }
        if let pagerPipe {
            pagerPipe.close()
            self.pagerPipe = nil
        }
        guard !pending.isEmpty else { return }
        pending.forEach(Platform.printLine)
        pending = []
        Platform.flushOutput()
    }
}
