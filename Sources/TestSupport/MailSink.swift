import Foundation
import ProcessTesting
#if canImport(Glibc)
import Glibc
#endif

/// A mail as the sink saved it: the SMTP envelope's recipients and the message as sent.
public struct ReceivedMail: Sendable {
    /// The file it was saved in.
    public let file: String
    /// RCPT TO addresses, as the SMTP client gave them.
    public let envelopeRecipients: [String]
    /// The message's header fields, names as written, unfolded.
    public let headers: [(name: String, value: String)]
    /// The body as received (line ends as LF).
    public let body: String

    /// The first header of this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A real SMTP server on loopback (`scripts/mail-sink`, aiosmtpd), and the msmtp command line
/// that sends to it: what the notification tests deliver through, as production would.
public final class MailSink: Sendable {
    /// Where the sink saves each mail as a .eml file.
    public let folder: String
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    private let process: RunningProcess

    /// Starts a sink (refusing every recipient with 550 when `refusing`), waiting until it listens.
    public init(refusing: Bool = false) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sd-mail-\(UUID().uuidString)").path
        folder = base + "/mail"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let portFile = base + "/port"
        process = try ProcessRunner.start(
            "python3", [ClusterScript.repositoryRoot + "/scripts/mail-sink", "--dir", folder, "--port-file", portFile]
                + (refusing ? ["--refuse"] : []),
            input: Data())
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: portFile) {
            guard Date() < deadline else {
                kill(process.pid, SIGKILL)
                let output = try process.wait()
                throw MailSinkError(description: "the mail sink did not start: \(output.standardError)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// A port on which nothing listens (the sink's, once it is stopped, or a fresh one).
    public static func closedPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The sendmail command line that delivers to a port on loopback through msmtp.
    public static func msmtpCommand(port: Int, from: String = "notifications@supportdesk.invalid") -> String {
        "msmtp --host=127.0.0.1 --port=\(port) --from=\(from) --timeout=10 -t"
    }

    /// The sendmail command line for this sink.
    public var sendmailCommand: String { Self.msmtpCommand(port: port) }

    /// Every mail saved so far, in arrival order.
    public func mails() throws -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }.sorted().map { name in
            try Self.parse(file: folder + "/" + name)
        }
    }

    /// Waits until at least `count` mails have arrived (or `seconds` pass); returns them all.
    public func waitForMails(_ count: Int, seconds: Double = 30) throws -> [ReceivedMail] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let all = try mails()
            if all.count >= count { return all }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try mails()
    }

    /// Stops the sink (its folder stays until the test process ends).
    public func stop() {
        kill(process.pid, SIGTERM)
        _ = try? process.wait()
    }

    private static func parse(file: String) throws -> ReceivedMail {
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        let parts = text.components(separatedBy: "\n\n")
        let headerText = parts.first ?? ""
        let body = parts.dropFirst().joined(separator: "\n\n")
        var headers: [(name: String, value: String)] = []
        for line in headerText.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.name, last.value + " " + line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        let recipients = headers.filter { $0.name == "X-Sink-Rcpt" }.map(\.value)
        return ReceivedMail(file: file, envelopeRecipients: recipients,
                            headers: headers.filter { $0.name != "X-Sink-Rcpt" }, body: body)
    }
}

/// The mail sink could not be started.
public struct MailSinkError: Error, CustomStringConvertible {
    /// What went wrong, with the sink's own output.
    public let description: String
}
