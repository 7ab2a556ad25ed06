/// A notification claimed for delivery: what the mail needs, and no more (the worker never sees
/// the member or the event, only the finished text).
public struct DueNotification: Sendable, Equatable {
    /// The outbox row's id, for marking it sent or failed.
    public let id: Int64
    /// The one address it goes to.
    public let recipient: String
    /// The subject line (one line; may be non-ASCII).
    public let subject: String
    /// The plain-text body.
    public let body: String
    /// The Message-ID fixed when it was written, the same on every try, so a resend after a
    /// crash is recognisable as the same mail.
    public let messageID: String
    /// How many tries failed before this one.
    public let attempts: Int

    /// A notification as the outbox hands it out.
    public init(id: Int64, recipient: String, subject: String, body: String, messageID: String, attempts: Int) {
        self.id = id
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.attempts = attempts
    }
}
