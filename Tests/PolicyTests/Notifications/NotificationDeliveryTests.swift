import Foundation
import PGClient
import PortalCore
import ProcessTesting
import Testing
import TestSupport

/// `portal notify --once` against a real SMTP server on loopback (aiosmtpd), through msmtp as
/// the sendmail command: what arrives, and what a refusing or absent server leaves behind.
@Suite struct NotificationDeliveryTests {
    @Test func mailsArriveWithTheirRecipientSubjectBodyAndMessageID() throws {
        try withOutbox { world in
            let sink = try MailSink()
            defer { sink.stop() }
            let subject = "Zwei-Faktor-Authentifizierung für Jürgen ausgeschaltet"
            let body = "Hello Jürgen,\n.\nIf this was not you: https://portal.example/dispute?token=abc=def\n"
            let first = try world.enqueue(to: "jurgen@acme.example", subject: subject, body: body)
            let second = try world.enqueue(to: "admin@acme.example")
            let ids = [try world.row(first).messageID, try world.row(second).messageID]

            let output = try world.notifyOnce(sendmail: sink.sendmailCommand)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput == "sent 2 notifications\n")

            let mails = try sink.waitForMails(2)
            #expect(mails.count == 2)
            let byID = Dictionary(uniqueKeysWithValues: mails.map { ($0.header("Message-ID") ?? "", $0) })
            let jurgen = try #require(byID[ids[0]])
            #expect(jurgen.envelopeRecipients == ["jurgen@acme.example"])
            #expect(jurgen.header("To") == "jurgen@acme.example")
            #expect(decodeWords(Substring(jurgen.header("Subject") ?? "")) == subject)
            #expect(jurgen.body == body)
            #expect(jurgen.header("From") == "SupportDesk <notifications@supportdesk.invalid>")
            #expect(jurgen.header("Content-Type") == "text/plain; charset=utf-8")
            let admin = try #require(byID[ids[1]])
            #expect(admin.envelopeRecipients == ["admin@acme.example"])
            #expect(admin.header("Subject") == "Two-factor authentication was turned off")

            for id in [first, second] {
                let row = try world.row(id)
                #expect(row.state == .sent && row.attempts == 1 && row.lastError == nil)
                #expect(!row.body.contains("dispute") && !row.body.contains("Hello"), "the body is scrubbed once sent")
            }
            // Nothing is due any more: a second run sends nothing.
            #expect(try world.notifyOnce(sendmail: sink.sendmailCommand).standardOutput == "sent 0 notifications\n")
            #expect(try sink.mails().count == 2)
        }
    }

    @Test func aRefusingServerLeadsToRetriesWithGrowingWaitsAndThenFailed() throws {
        try withOutbox { world in
            let sink = try MailSink(refusing: true)
            defer { sink.stop() }
            try world.setRetries(max: 3, backoff: ["1 hour", "2 hours"])
            let id = try world.enqueue(body: "your dispute link: https://portal.example/d/secret\n")

            var output = try world.notifyOnce(sendmail: sink.sendmailCommand, ["--json"])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput.contains("\"retrying\":1"), "\(output.standardOutput)")
            var row = try world.row(id)
            #expect(row.state == .pending && row.attempts == 1)
            #expect(row.lastError?.contains("550") == true, "\(row.lastError ?? "no error")")
            #expect((3500...3600).contains(row.dueIn), "the first retry waits an hour: \(row.dueIn)")
            // Not due: another run leaves it alone.
            #expect(try world.notifyOnce(sendmail: sink.sendmailCommand).standardOutput == "sent 0 notifications\n")

            try world.connection.query("UPDATE portal.notifications SET next_attempt_at = clock_timestamp() WHERE id = $1::bigint", [id])
            output = try world.notifyOnce(sendmail: sink.sendmailCommand)
            row = try world.row(id)
            #expect(row.state == .pending && row.attempts == 2)
            #expect((7100...7200).contains(row.dueIn), "the second retry waits two hours: \(row.dueIn)")

            try world.connection.query("UPDATE portal.notifications SET next_attempt_at = clock_timestamp() WHERE id = $1::bigint", [id])
            output = try world.notifyOnce(sendmail: sink.sendmailCommand)
            #expect(output.standardOutput == "sent 0 notifications, 1 failed\n", "\(output.standardOutput)")
            row = try world.row(id)
            #expect(row.state == .failed && row.attempts == 3)
            #expect(row.lastError?.contains("550") == true)
            #expect(!row.body.contains("secret"), "a failed notification's body is scrubbed too")
            #expect(try sink.mails().isEmpty)
        }
    }

    @Test func aServerThatIsDownIsAFailedTryWithMsmtpsMessage() throws {
        try withOutbox { world in
            try world.setRetries(max: 1, backoff: ["1 minute"])
            let id = try world.enqueue()
            let output = try world.notifyOnce(sendmail: MailSink.msmtpCommand(port: MailSink.closedPort()))
            #expect(output.status == 0)
            #expect(output.standardOutput == "sent 0 notifications, 1 failed\n")
            let row = try world.row(id)
            #expect(row.state == .failed)
            let error = try #require(row.lastError)
            #expect(error.contains("msmtp exited with status") && error.contains("cannot connect"), "\(error)")
        }
    }

    @Test func aSendmailThatHangsIsStoppedAndTheErrorIsBounded() throws {
        try withOutbox { world in
            let id = try world.enqueue()
            let started = Date()
            let output = try world.notifyOnce(
                sendmail: #"sh -c 'cat >/dev/null; head -c 5000 /dev/zero | tr "\0" x >&2; sleep 30'"#, ["--timeout", "1"])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(Date().timeIntervalSince(started) < 20)
            let row = try world.row(id)
            #expect(row.state == .pending && row.attempts == 1)
            let error = try #require(row.lastError)
            #expect(error.contains("took longer than 1 s"), "\(error.prefix(100))")
            #expect(error.count <= 1000)
        }
    }

    @Test func aRoleOutsideNotifierCannotClaimAndTheCommandSaysSo() throws {
        try withOutbox { world in
            try world.enqueue()
            let agent = try world.fixture.agentRole()
            let output = try BuiltProduct.run("portal", ["notify", "--once", "--sendmail", "true", "--db", world.fixture.database.uri(user: agent)])
            #expect(output.status == 1)
            #expect(output.standardError.contains("permission denied"), "\(output.standardError)")
            #expect(try world.count(.pending) == 1)

            let notifier = try world.fixture.database.connect(user: world.notifier)
            defer { notifier.close() }
            #expect(sqlState(notifier, "SELECT * FROM portal.notifications") == "42501")
            #expect(sqlState(notifier, "SELECT portal.enqueue_notification(1, 'mandatory_on', NULL, 'a@b.example', 'member', 's', 'b')") == "42501")
            #expect(sqlState(notifier, "SELECT portal.notification_sent(987654321)") == "DK140", "no such pending notification: refused")
        }
    }

    @Test func theWorkersFunctionsAreDocumentedDefinersOnlyNotifierMayCall() throws {
        try withPortalFixture { fixture in
            let rows = try fixture.connection.query("""
                SELECT p.oid::regprocedure::text, p.prosecdef,
                       'search_path=pg_catalog, pg_temp' = ANY (p.proconfig), coalesce(obj_description(p.oid, 'pg_proc'), '') <> '',
                       has_function_privilege('public', p.oid, 'EXECUTE'), has_function_privilege('notifier', p.oid, 'EXECUTE'),
                       has_function_privilege('portal_app', p.oid, 'EXECUTE'), has_function_privilege('support_agent', p.oid, 'EXECUTE')
                  FROM pg_proc p
                 WHERE p.pronamespace = 'portal'::regnamespace
                   AND p.proname IN ('claim_notification', 'notification_sent', 'notification_failed')
                """).rows
            #expect(rows.count == 3)
            for row in rows {
                let name = try row.decode(String.self, at: 0)
                #expect(try row.decode(Bool.self, at: 1) && row.decode(Bool.self, at: 2) && row.decode(Bool.self, at: 3), "\(name)")
                #expect(try !row.decode(Bool.self, at: 4) && row.decode(Bool.self, at: 5), "\(name)")
                #expect(try !row.decode(Bool.self, at: 6) && !row.decode(Bool.self, at: 7), "\(name)")
            }
        }
    }

    @Test func badFlagsExitOne() throws {
        for arguments in [["--batch", "0"], ["--interval", "0"], ["--sendmail", ""], ["--sendmail", "msmtp 'open"],
                          ["--from", "a@b.example\nBcc: x@y.example"], ["--timeout", "0"]] {
            let output = try BuiltProduct.run("portal", ["notify", "--once"] + arguments)
            #expect(output.status == 1, "\(arguments)")
        }
    }
}
