/// Splits a console line into words the way a shell user expects: spaces separate words,
/// `'…'` is literal, `"…"` allows `\"` and `\\`, and a backslash outside quotes escapes the next
/// character (libedit's completion writes `jane\@acme.example`) — except at the start of a word,
/// where it is literal so psql's `\q` and `\?` work.
/// A reason with spaces is written `--reason "lost phone on holiday"`.
///
/// It walks Unicode scalars, not characters: a combining mark typed after a quote (`"\u{301}`)
/// joins the quote into one character, and the quote must still act as a quote.
public enum CommandTokenizer {
    /// The words of `line`, or a `ConsoleFailure` naming the unterminated quote.
    public static func words(_ line: String) throws(ConsoleFailure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Unicode.Scalar?
        var escaping = false
        for character in line.unicodeScalars {
            if escaping {
                if quote == "\"" && character != "\"" && character != "\\" { current.append("\\") }
                current.unicodeScalars.append(character)
                escaping = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\") where !inWord:
                current.unicodeScalars.append(character)
                inWord = true
            case (nil, "\\"), ("\"", "\\"):
                escaping = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, _) where character == " " || character == "\t":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.unicodeScalars.append(character)
                inWord = true
            }
        }
        if let quote { throw .usage("the \(quote) quote is not closed") }
        if escaping { throw .usage("the line ends with a lone backslash") }
        if inWord { words.append(current) }
        return words
    }
}
