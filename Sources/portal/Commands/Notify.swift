import ArgumentParser
import Foundation
import PGClient
import DeskDatabase
import PortalCore

/// `portal notify [--once] [--interval S] [--sendmail CMD] [--from ADDR] [--batch N]`: the
/// notification worker, delivering the outbox by mail.
struct Notify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliver the notification outbox through a sendmail-compatible command (a long-running service; --once for scripts).",
        discussion: """
            Events write their notifications into portal.notifications in their own transaction;
            this service mails them. It listens on the channel supportdesk_notification, so a
            notification goes out as soon as its transaction commits, and looks again every
            --interval seconds in any case (retries fall due that way). Each notification is
            claimed, piped to the sendmail command as an RFC 5322 message, and marked, in one
            transaction holding its row lock: several workers may run, and a worker killed
            between sending and marking sends that one mail again (same Message-ID), never
            zero times. A non-zero exit or a timeout is a failed try: it is retried after the
            back-off in portal.settings and, after notification_max_attempts tries, left failed
            with the command's message. Run it as a role in notifier (or a superuser). After a
            lost connection it reconnects, waiting up to 30 s between tries.
            """)

    @OptionGroup var options: DatabaseOptions
    @Flag(name: .long, help: "Deliver what is due now, print how many, and exit.") var once = false
    @Option(name: .long, help: "Longest wait in seconds between looks at the outbox when nothing is announced (0.05-3600).") var interval = 30.0
    @Option(name: .long, help: "The sendmail-compatible command each message is piped to (split like a shell, without expansions).")
    var sendmail = SendmailCommand.systemDefault
    @Option(name: .long, help: "The From field (default: SupportDesk <notifications@DOMAIN>, DOMAIN from the Message-ID setting).")
    var from: String?
    @Option(name: .long, help: "How many notifications one round delivers before looking for news again (1-10000).") var batch = 100
    @Option(name: .long, help: "Seconds one sendmail run may take before it is killed and the try counts as failed (1-600).") var timeout = 60.0

    func validate() throws {
        guard (0.05...3600).contains(interval) else { throw ValidationError("--interval must be between 0.05 and 3600 seconds") }
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 10000") }
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 600 seconds") }
        do {
            _ = try SendmailCommand(commandLine: sendmail)
        } catch {
            throw ValidationError(error.description)
        }
        if let from {
            do {
                _ = try MailMessage(from: from, to: "check@example.com", subject: "check", body: "check",
                                    messageID: "<check@example.com>", date: Date())
            } catch {
                throw ValidationError("--from: \(error.reason)")
            }
        }
    }

    func run() throws {
        let command = try SendmailCommand(commandLine: sendmail, timeout: timeout)
        if once {
            try PortalRunner.run(options) { connection in
                let worker = NotificationWorker(connection: connection, sendmail: command, from: from, batchSize: batch)
                try worker.prepare()
                let tally = try worker.deliverAllDue()
                return PortalReport(
                    text: "sent \(tally.sent) notification\(tally.sent == 1 ? "" : "s")"
                        + (tally.retrying > 0 ? ", \(tally.retrying) to retry" : "")
                        + (tally.failed > 0 ? ", \(tally.failed) failed" : ""),
                    fields: ["sent": tally.sent, "retrying": tally.retrying, "failed": tally.failed])
            }
            return
        }
        ReconnectingService.run("notify", options: options) { connection, connected in
            let worker = NotificationWorker(connection: connection, sendmail: command, from: from, batchSize: batch)
            try worker.prepare()
            connected()
            while true {
                // Listening first, then looking, loses nothing: a commit after this look is
                // announced to the wait below.
                let tally = try worker.deliverDue()
                if tally.tried > 0 {
                    FileHandle.standardError.write(Data("portal notify: sent \(tally.sent), to retry \(tally.retrying), failed \(tally.failed)\n".utf8))
                }
                // A full round may have left more due: look again before sleeping.
                try worker.waitForAnnouncement(timeout: tally.tried == batch ? 0 : interval)
            }
        }
    }
}
