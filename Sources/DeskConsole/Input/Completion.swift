/// Tab completion for the console: command names first, then the command's flags after `--`,
/// then emails already seen (by find or show) where a USER goes. It works on the text before the
/// cursor, so the line editor only has to ask.
public enum Completion {
    /// Candidates that complete the last word of `lineBeforeCursor`, sorted.
    public static func candidates(for lineBeforeCursor: String, seenEmails: Set<String>) -> [String] {
        let endsInSpace = lineBeforeCursor.last.map { $0 == " " || $0 == "\t" } ?? true
        var words = lineBeforeCursor.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let partial = endsInSpace ? "" : (words.popLast() ?? "")
        let names: [String]
        if words.isEmpty {
            names = Array(Set(CommandTable.all.map { String($0.name.split(separator: " ")[0]) }))
        } else if words.count == 1, words[0] == "log", !partial.hasPrefix("-") {
            names = ["verify", "anchor"]
        } else if let (spec, _) = CommandTable.spec(for: words) {
            if partial.hasPrefix("-") {
                let given = Set(words)
                names = spec.flags.map { "--" + $0.name }.filter { !given.contains($0) }
            } else if takesUser(spec, words: words) {
                names = Array(seenEmails)
            } else {
                names = []
            }
        } else {
            names = []
        }
        return names.filter { $0.hasPrefix(partial) }.sorted()
    }

    /// Whether the word being typed is where a member goes: the first positional of a command
    /// that names one, not the value of a flag.
    private static func takesUser(_ spec: CommandSpec, words: [String]) -> Bool {
        guard spec.namesMember else { return false }
        if let last = words.last, last.hasPrefix("--"), spec.flag(String(last.dropFirst(2)))?.value != nil { return false }
        let positionalsSoFar = words.dropFirst().enumerated().filter { index, word in
            !word.hasPrefix("--") && !(index > 0 && words[index].hasPrefix("--") && spec.flag(String(words[index].dropFirst(2)))?.value != nil)
        }
        return positionalsSoFar.isEmpty
    }
}
