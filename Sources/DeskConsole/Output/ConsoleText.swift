/// A sentence for the terminal. The console's own words are kept as written; every value put
/// into it by interpolation (a name, an email, a ticket from the database) is escaped as it goes
/// in, so no caller has to remember to, and nothing is escaped twice.
public struct ConsoleText: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The text, safe to print.
    public let text: String

    /// The console's own words, as written.
    public init(stringLiteral: String) { text = stringLiteral }

    /// The console's own words held in a variable (help text), as written: nothing from outside.
    public init(ownWords: String) { text = ownWords }

    public init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    public var description: String { text }

    /// Builds the text: literals as written, values escaped.
    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + 16 * interpolationCount) }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// A value from outside (the database, the command line): escaped.
        public mutating func appendInterpolation(_ value: some StringProtocol) {
            text += TerminalSafeText.escape(String(value))
        }

        /// A number or other value that prints itself: escaped like any text.
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            text += TerminalSafeText.escape(value.description)
        }

        /// A piece that is already a sentence: kept as it is.
        public mutating func appendInterpolation(_ value: ConsoleText) { text += value.text }
    }
}
