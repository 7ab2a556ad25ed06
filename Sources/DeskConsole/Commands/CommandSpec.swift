/// One command of the console as `help`, the parser and tab completion see it.
public struct CommandSpec: Sendable {
    /// A `--flag` a command accepts.
    public struct Flag: Sendable {
        /// The name without dashes.
        public let name: String
        /// The value's placeholder (`TEXT`), or nil for a switch.
        public let value: String?
        /// One line for `help COMMAND`.
        public let help: String
    }

    /// Which command this is.
    public let command: CommandName
    /// The name typed, `log verify` for a sub-command.
    public var name: String { command.rawValue }
    /// Other names that run it.
    public let aliases: [String]
    /// The synopsis after the name, e.g. `USER [CODE]`.
    public let synopsis: String
    /// One line for `help`.
    public let summary: String
    /// A paragraph for `help COMMAND`.
    public let details: String
    /// Flags accepted.
    public let flags: [Flag]
    /// How many positional words: at least `minimum`, at most `maximum` (nil: any).
    public let minimum: Int
    public let maximum: Int?
    /// Only supervisors may run it (the database enforces it; this only groups `help`).
    public let supervisorOnly: Bool
    /// Whether its first positional word names a member (an email, `#ID` or a row), so tab
    /// completion offers the emails seen.
    public let namesMember: Bool
    /// What running it does.
    let action: CommandAction

    init(_ command: CommandName, aliases: [String] = [], synopsis: String = "", summary: String, details: String = "",
         flags: [Flag] = [], positionals: (minimum: Int, maximum: Int?) = (0, 0), supervisorOnly: Bool = false,
         namesMember: Bool = false, action: CommandAction) {
        self.command = command
        self.namesMember = namesMember
        self.action = action
        self.aliases = aliases
        self.synopsis = synopsis
        self.summary = summary
        self.details = details
        self.flags = flags
        self.minimum = positionals.minimum
        self.maximum = positionals.maximum
        self.supervisorOnly = supervisorOnly
    }

    /// The usage line, e.g. `verify USER [CODE]`.
    public var usage: String { synopsis.isEmpty ? name : "\(name) \(synopsis)" }

    func flag(_ name: String) -> Flag? { flags.first { $0.name == name } }

    /// Commands that change nothing, so a script may run them side by side (`--jobs`).
    var isLookUp: Bool {
        if case .lookUp = action { return true }
        return false
    }
}

/// What running a command does. A look-up changes nothing, so a script may run several side by
/// side (`--jobs`); `verify` is no look-up: every attempt is recorded and counts towards a lock,
/// in order.
enum CommandAction: Sendable {
    /// Runs against the database (or answers from the table) and changes nothing.
    case lookUp(CommandHandler)
    /// Runs against the database and may change it: one at a time, in order.
    case change(CommandHandler)
    /// Leaves the console.
    case quit
}

/// The method of `CommandRunner` that runs a command.
typealias CommandHandler = @Sendable (CommandRunner) -> (ParsedCommand) throws(ConsoleFailure) -> CommandReport

/// A command line split into its command, positional words and flags.
public struct ParsedCommand: Sendable, Equatable {
    /// Which command it is.
    public let command: CommandName
    /// The command's canonical name.
    public var name: String { command.rawValue }
    /// Words that are not flags, in order.
    public let positionals: [String]
    /// Flags with values.
    public let options: [String: String]
    /// Flags without values that were given.
    public let switches: Set<String>

    /// A flag's value, if given.
    public func option(_ name: String) -> String? { options[name] }
    /// Whether a switch was given.
    public func has(_ name: String) -> Bool { switches.contains(name) }
}

extension CommandSpec {
    /// Parses the words after the command name against this spec.
    func parse(_ words: ArraySlice<String>) throws(ConsoleFailure) -> ParsedCommand {
        var positionals: [String] = []
        var options: [String: String] = [:]
        var switches: Set<String> = []
        var index = words.startIndex
        var flagsEnded = false
        while index < words.endIndex {
            let word = words[index]
            index += 1
            // By scalars, not characters: `=` or `-` followed by a combining mark or a variation
            // selector is one character, and must still split a flag from its value.
            let scalars = word.unicodeScalars
            guard !flagsEnded, scalars.starts(with: "--".unicodeScalars) else {
                positionals.append(word)
                continue
            }
            if scalars.count == 2 { flagsEnded = true; continue }
            let body = scalars.dropFirst(2)
            let name = String(String.UnicodeScalarView(body.prefix { $0 != "=" }))
            let inlineValue = body.firstIndex(of: "=").map { String(String.UnicodeScalarView(body[body.index(after: $0)...])) }
            guard let flag = flag(name) else {
                throw .usage("\(self.name) has no flag --\(name) (see help \(self.name))")
            }
            guard options[name] == nil, !switches.contains(name) else { throw .usage("--\(name) is given twice") }
            if let placeholder = flag.value {
                if let inlineValue {
                    options[name] = inlineValue
                } else if index < words.endIndex {
                    options[name] = words[index]
                    index += 1
                } else {
                    throw .usage("--\(name) needs a value (\(placeholder))")
                }
            } else {
                guard inlineValue == nil else { throw .usage("--\(name) takes no value") }
                switches.insert(name)
            }
        }
        if positionals.count < minimum || maximum.map({ positionals.count > $0 }) == true {
            throw .usage("usage: \(usage)")
        }
        return ParsedCommand(command: command, positionals: positionals, options: options, switches: switches)
    }
}
