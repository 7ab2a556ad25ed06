/// An error from PostgreSQL or from talking to it, with everything the server said.
///
/// `code` says what went wrong on our side of the wire (could not connect, lost the
/// connection, the server refused the statement, …); `sqlState` and the message fields are the
/// server's own words, present whenever the server sent them.
public struct PGError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so new kinds can be added without
    /// breaking anyone's exhaustive `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case connectionFailed = "could not connect"
            case connectionLost = "connection lost"
            case server = "server error"
            case invalidParameter = "invalid parameter"
            case decoding = "cannot decode"
            case transactionMisuse = "transaction misuse"
            case copyFailed = "COPY failed"
            case connectionClosed = "connection closed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No connection could be established (bad address, refused, authentication failed).
        public static let connectionFailed = Code(.connectionFailed)
        /// An established connection broke; whether an in-flight statement ran is unknown.
        public static let connectionLost = Code(.connectionLost)
        /// The server refused or failed the statement; see `sqlState`.
        public static let server = Code(.server)
        /// A parameter cannot be sent as given (e.g. text containing NUL).
        public static let invalidParameter = Code(.invalidParameter)
        /// A result value is not of the type the caller asked for.
        public static let decoding = Code(.decoding)
        /// A transaction was begun inside another, or committed after a failure inside it.
        public static let transactionMisuse = Code(.transactionMisuse)
        /// A COPY could not be started, fed or finished.
        public static let copyFailed = Code(.copyFailed)
        /// The connection was closed by this program and used afterwards.
        public static let connectionClosed = Code(.connectionClosed)

        public var description: String { base.rawValue }
    }

    /// What went wrong on our side.
    public let code: Code
    /// The server's SQLSTATE, when the server sent one.
    public let sqlState: SQLState?
    /// The primary message, one line, no trailing newline.
    public let message: String
    /// The server's DETAIL, if any.
    public let detail: String?
    /// The server's HINT, if any.
    public let hint: String?
    /// The constraint that was violated, if any: lets callers tell one unique key from another.
    public let constraintName: String?
    /// For a connection that could not be opened because the server wanted a password: whose,
    /// and whether one was given. Nil for every other failure.
    public let passwordRequest: PGPasswordRequest?

    /// Creates an error; `message` is trimmed of the trailing newline libpq adds.
    public init(
        _ code: Code, sqlState: SQLState? = nil, message: String, detail: String? = nil,
        hint: String? = nil, constraintName: String? = nil, passwordRequest: PGPasswordRequest? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message.trimmingTrailingNewlines()
        self.detail = detail?.trimmingTrailingNewlines()
        self.hint = hint?.trimmingTrailingNewlines()
        self.constraintName = constraintName
        self.passwordRequest = passwordRequest
    }

    /// True when the connection is gone and must be reset before the next statement.
    public var isConnectionProblem: Bool { code == .connectionFailed || code == .connectionLost }

    public var description: String {
        var text = sqlState.map { "\(code) [\($0)]: \(message)" } ?? "\(code): \(message)"
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text = text.dropLast() }
        return String(text)
    }
}
