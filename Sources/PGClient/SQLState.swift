/// A five-character SQLSTATE code, as PostgreSQL reports it on every error.
///
/// Callers branch on codes, not messages: messages are translated and reworded between
/// server versions, codes are not. Our own refusals use class `DK`.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code, e.g. `23505`.
    public let rawValue: String

    /// Wraps a code as received from the server.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The first two characters: the error class (`23` integrity, `57` operator intervention, …).
    public var errorClass: String { String(rawValue.prefix(2)) }

    public var description: String { rawValue }

    /// Another row already has this unique key.
    public static let uniqueViolation = SQLState(rawValue: "23505")
    /// A foreign key points nowhere.
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    /// A CHECK constraint refused the row.
    public static let checkViolation = SQLState(rawValue: "23514")
    /// The role lacks a privilege.
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    /// No function matches the name and argument types.
    public static let undefinedFunction = SQLState(rawValue: "42883")
    /// The table or view does not exist.
    public static let undefinedTable = SQLState(rawValue: "42P01")
    /// The statement is not valid SQL.
    public static let syntaxError = SQLState(rawValue: "42601")
    /// The query was cancelled (by a cancel request or statement_timeout).
    public static let queryCanceled = SQLState(rawValue: "57014")
    /// The server is shutting down or the backend was terminated.
    public static let adminShutdown = SQLState(rawValue: "57P01")
    /// A serializable transaction must be retried.
    public static let serializationFailure = SQLState(rawValue: "40001")
    /// A deadlock was broken by aborting this transaction.
    public static let deadlockDetected = SQLState(rawValue: "40P01")
    /// A statement in an already failed transaction.
    public static let inFailedTransaction = SQLState(rawValue: "25P02")
    /// A plain `RAISE EXCEPTION` without its own code.
    public static let raiseException = SQLState(rawValue: "P0001")
    /// Bytes that are not valid in the database encoding.
    public static let characterNotInRepertoire = SQLState(rawValue: "22021")
    /// Text that cannot be read as the parameter's type.
    public static let invalidTextRepresentation = SQLState(rawValue: "22P02")
}
