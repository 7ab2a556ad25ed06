import Foundation

/// A sendmail-compatible command (`/usr/sbin/sendmail -t -i`, `msmtp -t`, …) that the worker
/// pipes each message to: exit 0 means the mail system took it.
public struct SendmailCommand: Sendable, Equatable {
    /// The program and its arguments.
    public let arguments: [String]
    /// How long one hand-over may take before the command is killed and the try counts as failed.
    public let timeout: Double

    /// The default: the system's sendmail, recipients from the headers (`-t`), a lone dot not
    /// ending the message (`-i`).
    public static let systemDefault = "/usr/sbin/sendmail -t -i"

    /// Parses a command line the way a shell splits words: spaces separate, single and double
    /// quotes group, a backslash escapes the next character. No variables, globs or pipes.
    public init(commandLine: String, timeout: Double = 60) throws(SendmailCommandError) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        for character in commandLine {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else if character.isNewline {
                throw SendmailCommandError(reason: "the command must be one line")
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { throw SendmailCommandError(reason: "unbalanced quote or trailing backslash") }
        if inWord { words.append(current) }
        guard !words.isEmpty else { throw SendmailCommandError(reason: "the command is empty") }
        self.arguments = words
        self.timeout = timeout
    }

    /// Hands `message` to the command; returns normally only when it exited 0.
    func send(_ message: MailMessage) throws(MailDeliveryError) {
        let outcome: ChildOutcome
        do {
            outcome = try ChildProcess.run(arguments, input: message.rendered(), timeout: timeout)
        } catch {
            throw MailDeliveryError(description: error.description)
        }
        let said = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let status = outcome.status else {
            throw MailDeliveryError(description: bounded("\(arguments[0]) took longer than \(Int(timeout)) s and was stopped" + (said.isEmpty ? "" : ": \(said)")))
        }
        guard status == 0 else {
            throw MailDeliveryError(description: bounded("\(arguments[0]) exited with status \(status)" + (said.isEmpty ? "" : ": \(said)")))
        }
    }

    private func bounded(_ text: String) -> String {
        text.count <= 1000 ? text : String(text.prefix(997)) + "..."
    }
}

/// A command line that cannot be run as a sendmail command.
public struct SendmailCommandError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with it.
    public let reason: String
    /// One sentence for the user.
    public var description: String { "--sendmail: \(reason)" }
}

/// One failed hand-over: what the command said (bounded), for `last_error`.
public struct MailDeliveryError: Error, Sendable, CustomStringConvertible {
    /// The reason, at most 1000 characters.
    public let description: String
}
