import Foundation
import PortalCore
import Testing

/// The message a notification becomes: the right fields, encodings a mail reader decodes back
/// to the text, and no way for a field's value to add a header or a recipient.
@Suite struct MailMessageTests {
    private let date = Date(timeIntervalSince1970: 1_795_000_000)

    private func message(from: String = "SupportDesk <notifications@example.com>", to: String = "jane@acme.example",
                         subject: String = "2FA was turned off", body: String = "Hello Jane.\n",
                         messageID: String = "<42.abc@example.com>") throws -> MailMessage {
        try MailMessage(from: from, to: to, subject: subject, body: body, messageID: messageID, date: date)
    }

    private func text(_ message: MailMessage) -> String { String(decoding: message.rendered(), as: UTF8.self) }

    @Test func anASCIIMessageHasEveryHeaderAndAnEightBitBody() throws {
        let rendered = text(try message(body: "Hello Jane.\n.\nDispute: https://portal.example/dispute?t=abc=="))
        let (head, body) = split(rendered)
        #expect(head == [
            "From: SupportDesk <notifications@example.com>",
            "To: jane@acme.example",
            "Subject: 2FA was turned off",
            "Date: Wed, 18 Nov 2026 11:06:40 +0000",
            "Message-ID: <42.abc@example.com>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
        ])
        #expect(body == "Hello Jane.\n.\nDispute: https://portal.example/dispute?t=abc==\n")
    }

    @Test func aNonASCIISubjectIsEncodedInWordsThatDecodeBack() throws {
        let subject = "Zwei-Faktor-Authentifizierung für Jürgen ausgeschaltet — 二要素認証が無効になりました 🔐"
        let (head, _) = split(text(try message(subject: subject)))
        let lines = head.drop { !$0.hasPrefix("Subject: ") }.prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
        #expect(lines.count > 1, "a long subject is folded")
        for line in lines {
            #expect(line.utf8.count <= 76 && line.unicodeScalars.allSatisfy { $0.isASCII }, "\(line)")
        }
        #expect(decodeWords(lines.joined(separator: "\n").dropFirst("Subject: ".count)) == subject)
    }

    @Test func anASCIISubjectThatLooksEncodedIsEncoded() throws {
        let (head, _) = split(text(try message(subject: "=?UTF-8?B?aGk=?= literally")))
        let line = try #require(head.first { $0.hasPrefix("Subject: ") })
        #expect(decodeWords(line.dropFirst("Subject: ".count)) == "=?UTF-8?B?aGk=?= literally")
    }

    @Test func aBodyWithAnOverlongLineIsQuotedPrintableAndDecodesBack() throws {
        let body = "Grüße,\n" + String(repeating: "x=y ", count: 400) + "\nend \n"
        let (head, encoded) = split(text(try message(body: body)))
        #expect(head.contains("Content-Transfer-Encoding: quoted-printable"))
        for line in encoded.split(separator: "\n") { #expect(line.count <= 76) }
        #expect(decodeQuotedPrintable(encoded) == body)
    }

    @Test(arguments: [
        ("From", "a@b.example\nBcc: victim@else.example"), ("To", "jane@acme.example\r\nBcc: x@y.example"),
        ("To", "jane@acme.example, mallory@evil.example"), ("To", "jane,mallory@evil.example"),
        ("To", "<mallory@evil.example>"), ("To", "jürgen@acme.example"), ("To", "no-at-sign"),
        ("Subject", "hello\nBcc: x@y.example"), ("Subject", "hello\rthere"), ("Subject", "tab\there"),
        ("Message-ID", "<a@b>\nX: y"), ("Message-ID", "a@b"), ("From", "Eve \"quoted\" <e@b.example>"),
    ])
    func aFieldThatCouldAddAHeaderOrARecipientIsRefused(field: String, value: String) {
        #expect(throws: MailMessageError.self) {
            switch field {
            case "From": _ = try message(from: value)
            case "To": _ = try message(to: value)
            case "Subject": _ = try message(subject: value)
            default: _ = try message(messageID: value)
            }
        }
    }

    @Test func aCRInTheBodyBecomesALineEndAndNeverAHeader() throws {
        let (head, body) = split(text(try message(body: "one\r\ntwo\rBcc: x@y.example\n")))
        #expect(!head.contains { $0.hasPrefix("Bcc") })
        #expect(body == "one\ntwo\nBcc: x@y.example\n")
    }

    @Test func sendmailCommandLinesSplitLikeAShell() throws {
        #expect(try SendmailCommand(commandLine: "/usr/sbin/sendmail -t -i").arguments == ["/usr/sbin/sendmail", "-t", "-i"])
        #expect(try SendmailCommand(commandLine: #"sh -c 'sleep 1; msmtp -t' "a b" c\ d"#).arguments
                == ["sh", "-c", "sleep 1; msmtp -t", "a b", "c d"])
        for bad in ["", "   ", "msmtp 'open", "msmtp \\"] {
            #expect(throws: SendmailCommandError.self) { _ = try SendmailCommand(commandLine: bad) }
        }
    }

    private func split(_ message: String) -> ([String], String) {
        let parts = message.components(separatedBy: "\n\n")
        return (parts[0].components(separatedBy: "\n"), parts.dropFirst().joined(separator: "\n\n"))
    }
}

/// Decodes RFC 2047 B-encoded UTF-8 words separated by folding white space (test helper).
func decodeWords(_ text: Substring) -> String? {
    var bytes: [UInt8] = []
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
              let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
        bytes += data
    }
    return String(bytes: bytes, encoding: .utf8)
}

/// Decodes RFC 2045 quoted-printable (test helper).
func decodeQuotedPrintable(_ text: String) -> String? {
    var bytes: [UInt8] = []
    let lines = text.components(separatedBy: "\n")
    for (index, line) in lines.enumerated() {
        var scalars = Array(line.utf8)[...]
        var soft = false
        while let byte = scalars.popFirst() {
            if byte == UInt8(ascii: "=") {
                if scalars.isEmpty { soft = true; break }
                guard scalars.count >= 2, let value = UInt8(String(decoding: scalars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
                scalars = scalars.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        if !soft && index < lines.count - 1 { bytes.append(UInt8(ascii: "\n")) }
    }
    return String(bytes: bytes, encoding: .utf8)
}
