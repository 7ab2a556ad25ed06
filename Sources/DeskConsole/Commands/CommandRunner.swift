import Foundation
import PGClient
import DeskDatabase
import SupportClient

/// Runs one parsed command against the database and describes the result; knows nothing of
/// formats or terminals, so every command works the same in a script and on a call.
struct CommandRunner {
    let link: DatabaseLink
    let state: SessionState
    let interactive: Bool
    /// Whether anyone will read the human blocks (table format); scripts in JSON or CSV skip
    /// building tables they would throw away.
    let wantsHuman: Bool
    /// The format results are written in, for results spooled ready to write (a `log` page).
    let format: OutputFormat
    let times: TimeText
    /// Asks the person at the terminal; nil in scripts.
    let ask: (String) -> String?
    /// Asks with an answer ready on the line (Enter takes it); nil in scripts.
    var askReady: (_ question: String, _ ready: String) -> String? = { _, _ in nil }
    /// In a script whose commands are not on stdin (`-c`, `-f FILE`), reads a recovery code that
    /// `verify USER` leaves out from stdin, so it never appears in the argument list `ps` shows;
    /// nil otherwise, and nil from it when stdin has no line left.
    var readCode: ((String) -> String?)? = nil
    /// Shows lines before a question (what is about to be disabled).
    let say: ([HumanBlock]) -> Void
    /// Writes one result line at once and flushes it, for a command whose results keep coming
    /// (`log follow`); the command's report still ends it.
    var stream: (String) -> Void = { _ in }

    var api: SupportAPI { link.api }

    /// Runs a command through the handler its spec names.
    func run(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        switch CommandTable.spec(command.command).action {
        case .lookUp(let handler), .change(let handler): return try handler(self)(command)
        case .quit: throw .usage("quit leaves the console; it does not run")
        }
    }

    /// Runs database calls, turning their errors into sentences.
    func database<T>(_ body: () throws -> T) throws(ConsoleFailure) -> T {
        do {
            return try body()
        } catch let error as PGError where error.sqlState?.rawValue == "25006" {
            throw ConsoleFailure.readOnly(standby: link.connection.parameterStatus("in_hot_standby") == "on")
        } catch let error as PGError {
            throw ConsoleFailure(error)
        } catch let failure as ConsoleFailure {
            throw failure
        } catch {
            throw .refused(String(describing: error))
        }
    }

    /// The member a command's first word names; with no word, interactively, the member of the
    /// call: the one match of the last find, or the member the last command named, so a call
    /// goes `find jane`, `verify 1`, `disable-2fa` (issue 14: fewer keys).
    func member(named command: ParsedCommand) throws(ConsoleFailure) -> (id: Int64, label: String) {
        if let word = command.positionals.first {
            let named = try member(word)
            if interactive { state.callMember = CallMember(id: named.id, label: named.label) }
            return named
        }
        guard interactive, let current = state.callMember else {
            throw .usage(interactive && state.lastFind.count > 1
                ? "the last find has \(state.lastFind.count) rows: name the member (a row number, an email or #ID)"
                : "\(command.name) needs USER (an email or #ID\(interactive ? "; after a find with one match, or once a command named the member, it may be left out" : ""))")
        }
        return (current.id, current.label)
    }

    /// A member named on the command line: an email, `#ID`, or (interactive) a row of the last
    /// find. The label is what messages call them, without another query.
    func member(_ word: String) throws(ConsoleFailure) -> (id: Int64, label: String) {
        if !word.isEmpty, word.allSatisfy(\.isASCII), word.allSatisfy(\.isNumber) {
            guard interactive else {
                throw .usage("row numbers work only interactively; name the member by email or #ID")
            }
            guard let row = Int(word), row >= 1, row <= state.lastFind.count else {
                throw .usage(state.lastFind.isEmpty
                    ? "there is no earlier find to take row \(word) from"
                    : "the last find has rows 1 to \(state.lastFind.count)")
            }
            let found = state.lastFind[row - 1]
            return (found.memberID, found.email)
        }
        let id = try database { try api.resolveMember(word) }
        return (id, word.hasPrefix("#") ? word : word.lowercased())
    }

    /// A whole number flag. Its range is the database's rule: the call refuses a number out of
    /// it (DK010, naming the range), so the console does not keep a copy that could disagree.
    func number(_ command: ParsedCommand, _ flag: String, default value: Int) throws(ConsoleFailure) -> Int {
        guard let text = command.option(flag) else { return value }
        guard let number = Int(text) else { throw .usage("--\(flag) must be a whole number") }
        return number
    }

    /// A yes-or-no question's answer: Enter alone takes the default (`[y/N]` no, `[Y/n]` yes);
    /// nil when Ctrl-C or Ctrl-D ended the question.
    func yes(_ question: String, byDefault: Bool = false) -> Bool? {
        guard let typed = ask(question) else { return nil }
        let word = typed.trimmingCharacters(in: .whitespaces).lowercased()
        return word.isEmpty ? byDefault : ["y", "yes"].contains(word)
    }

    /// A value the console asks for when a person is there and the flag is missing.
    func required(_ command: ParsedCommand, _ flag: String, asking question: String) throws(ConsoleFailure) -> String {
        if let value = command.option(flag) { return value }
        if interactive {
            // Ctrl-C (or Ctrl-D) at any question ends the whole command, before anything is done.
            guard let answer = ask(question) else { throw ConsoleFailure.cancelledQuestion }
            return answer
        }
        throw .usage("\(command.name) needs --\(flag) \(CommandTable.spec(command.command).flag(flag)?.value ?? "VALUE")")
    }

}
