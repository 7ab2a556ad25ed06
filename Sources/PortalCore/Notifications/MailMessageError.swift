/// Why a mail could not be put together: a field that would break the message's structure (a
/// CR or LF that could start a header of the attacker's choosing, a second recipient, a
/// malformed address). Such a notification is never sent; its try is recorded as failed.
public struct MailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header or part at fault ("To", "Subject", "body"…).
    public let field: String
    /// What is wrong with it.
    public let reason: String

    /// An error about `field`.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// One sentence for the log and `last_error`.
    public var description: String { "\(field): \(reason)" }
}
