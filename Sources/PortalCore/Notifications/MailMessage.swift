public import Foundation

/// One notification as an RFC 5322 message for a sendmail-compatible command (`-t` reads the
/// recipients from its headers). Every field is checked when the message is made, so no value
/// from the database can add a header or a recipient: a CR, LF or other control character in
/// a header field is refused, and the To field must be exactly one plain address.
public struct MailMessage: Sendable, Equatable {
    /// The From field: `address` or `Display Name <address>`, printable ASCII.
    public let from: String
    /// The one recipient's address.
    public let to: String
    /// The subject, any text on one line.
    public let subject: String
    /// The plain-text body (line ends become LF).
    public let body: String
    /// `<id@domain>`, the notification's own, the same on every try.
    public let messageID: String
    /// When the message was made (the Date field).
    public let date: Date

    /// Checks every field; throws `MailMessageError` naming the first that is unsafe.
    public init(from: String, to: String, subject: String, body: String, messageID: String, date: Date) throws(MailMessageError) {
        try Self.checkFrom(from)
        try Self.checkAddress(to, field: "To")
        if subject.unicodeScalars.contains(where: Self.isControl) || subject.isEmpty {
            throw MailMessageError(field: "Subject", reason: "must be one line of text without control characters")
        }
        if messageID.range(of: #"^<[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>$"#, options: .regularExpression) == nil {
            throw MailMessageError(field: "Message-ID", reason: "must look like <id@domain>")
        }
        if body.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw MailMessageError(field: "body", reason: "contains a NUL character")
        }
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
    }

    /// The message as bytes, headers then body, LF line ends.
    public func rendered() -> [UInt8] {
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        // 8bit keeps the text readable in a raw .eml; a line too long for SMTP needs quoted-printable.
        let fitsEightBit = lines.allSatisfy { $0.utf8.count <= 998 }
        let encodedBody = fitsEightBit ? lines.joined(separator: "\n") : QuotedPrintable.encode(lines: lines)
        let headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(EncodedWords.headerText(subject))",
            "Date: \(Self.dateText(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(fitsEightBit ? "8bit" : "quoted-printable")",
            // RFC 3834: a notice, so vacation responders do not answer it.
            "Auto-Submitted: auto-generated",
        ]
        let text = headers.joined(separator: "\n") + "\n\n" + encodedBody + (encodedBody.hasSuffix("\n") ? "" : "\n")
        return Array(text.utf8)
    }

    /// The RFC 5322 date-time, in UTC.
    static func dateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// One plain address: no spaces, quotes, brackets, commas or semicolons, which `sendmail -t`
    /// would read as more recipients or a different one.
    private static func checkAddress(_ address: String, field: String) throws(MailMessageError) {
        let forbidden = Set("<>()[]\\,;:\"")
        let plain = address.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) }
            && !address.contains(where: { forbidden.contains($0) })
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard plain, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), address.count <= 254 else {
            throw MailMessageError(field: field, reason: "must be one plain address (name@domain.tld) in printable ASCII")
        }
    }

    private static func checkFrom(_ from: String) throws(MailMessageError) {
        guard from.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            throw MailMessageError(field: "From", reason: "must be printable ASCII on one line")
        }
        if let open = from.lastIndex(of: "<"), from.hasSuffix(">") {
            let name = from[..<open].trimmingCharacters(in: .whitespaces)
            let nameAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_'")
            guard name.allSatisfy({ nameAllowed.contains($0) }) else {
                throw MailMessageError(field: "From", reason: "the display name may hold letters, digits, spaces and . - _ ' only")
            }
            try checkAddress(String(from[from.index(after: open)..<from.index(before: from.endIndex)]), field: "From")
        } else {
            try checkAddress(from, field: "From")
        }
    }
}
