import Foundation
import PGClient
import PortalCore
import ProcessTesting
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `portal notify` as the long-running service: woken by the commit, several at once without
/// sending a mail twice, and killed mid-batch without losing one.
@Suite struct NotificationServiceTests {
    @Test func aCommitWakesTheServiceThoughItsPollIsAMinuteAndARollbackSendsNothing() throws {
        try withOutbox { world in
            let sink = try MailSink()
            defer { sink.stop() }
            let service = try world.startService(sendmail: sink.sendmailCommand)
            defer { _ = world.stop(service) }

            let rolledBack = try world.fixture.database.connect()
            defer { rolledBack.close() }
            try rolledBack.query("BEGIN")
            let ghost = try world.enqueue(to: "ghost@acme.example", on: rolledBack)
            try rolledBack.query("ROLLBACK")

            let committed = Date()
            let id = try world.enqueue(to: "jane@acme.example")
            let mails = try sink.waitForMails(1, seconds: 10)
            let elapsed = Date().timeIntervalSince(committed)
            // With a 60 s poll, only the LISTEN can make this happen at once; the second is for
            // msmtp and the SMTP conversation on a busy machine.
            #expect(mails.count == 1)
            #expect(elapsed < 3, "delivered \(elapsed) s after the commit")
            // The mail is at the server before sendmail exits and the worker commits.
            #expect(try world.waitUntil(seconds: 10) { try world.row(id).state == .sent })
            Thread.sleep(forTimeInterval: 0.5)
            #expect(try sink.mails().map(\.envelopeRecipients) == [["jane@acme.example"]])
            #expect(try world.connection.query("SELECT count(*)::int FROM portal.notifications WHERE id = $1::bigint", [ghost])
                .single().decode(Int.self, at: 0) == 0)
        }
    }

    @Test func twoWorkersOnManyRowsNeverSendOneTwice() throws {
        try withOutbox { world in
            let sink = try MailSink()
            defer { sink.stop() }
            let first = try world.startService(sendmail: sink.sendmailCommand, ["--from", "one <one@workers.example>", "--batch", "5"])
            defer { _ = world.stop(first) }
            let second = try world.startService(sendmail: sink.sendmailCommand, ["--from", "two <two@workers.example>", "--batch", "5"])
            defer { _ = world.stop(second) }

            let total = 40
            try world.connection.transaction { _ in
                for index in 0..<total { try world.enqueue(to: "member\(index)@acme.example") }
            }
            #expect(try world.waitUntil(seconds: 60) { try world.count(.sent) == total })
            Thread.sleep(forTimeInterval: 0.5)
            let mails = try sink.mails()
            let ids = mails.compactMap { $0.header("Message-ID") }
            #expect(ids.count == total)
            #expect(Set(ids).count == total, "a Message-ID arrived twice")
            let expected = Set(try world.connection.query("SELECT message_id FROM portal.notifications").rows.map { try $0.decode(String.self, at: 0) })
            #expect(Set(ids) == expected)
            let senders = Set(mails.compactMap { $0.header("From") })
            #expect(senders == ["one <one@workers.example>", "two <two@workers.example>"], "both workers worked: \(senders)")
        }
    }

    @Test func aWorkerKilledBetweenSendingAndMarkingLosesNothingAndRepeatsOneMail() throws {
        try withOutbox { world in
            let sink = try MailSink()
            defer { sink.stop() }
            let total = 12
            try world.connection.transaction { _ in
                for index in 0..<total { try world.enqueue(to: "member\(index)@acme.example") }
            }
            // Each hand-over returns a second after the mail reached the server: the window in
            // which a kill leaves a sent mail unmarked.
            let slow = "sh -c '\(sink.sendmailCommand) && sleep 1'"
            let doomed = try world.startService(sendmail: slow, ["--batch", "3"])
            #expect(try world.waitUntil(seconds: 60) { try sink.mails().count >= 3 })
            kill(doomed.pid, SIGKILL)
            _ = try? doomed.wait()
            let arrivedBeforeTheKill = try sink.mails().count

            let survivor = try world.startService(sendmail: sink.sendmailCommand)
            defer { _ = world.stop(survivor) }
            #expect(try world.waitUntil(seconds: 60) { try world.count(.sent) == total })
            Thread.sleep(forTimeInterval: 0.5)

            let ids = try sink.mails().compactMap { $0.header("Message-ID") }
            let expected = Set(try world.connection.query("SELECT message_id FROM portal.notifications").rows.map { try $0.decode(String.self, at: 0) })
            #expect(Set(ids) == expected, "every notification arrived")
            let repeated = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }
            #expect(repeated.count == 1 && repeated.values.allSatisfy { $0.count == 2 },
                    "exactly the mail in flight arrives twice, with its Message-ID: \(repeated) (\(arrivedBeforeTheKill) before the kill)")
            #expect(ids.count == total + 1)
        }
    }
}
