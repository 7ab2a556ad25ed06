import DeskDatabase
import Foundation
import PGClient
import PortalCore
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// What is notified, to whom and in which words (migration 0040): written in the event's own
/// transaction, exactly the right recipients, and never a secret.
@Suite("Notifications of security events")
struct NotificationTests {
    @Test("a support disable tells the member (with a dispute link) and each administrator, naming agent, ticket and time")
    func supportDisable() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.customer("NW-20417", name: "Northwind")
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            try fixture.member("bo@acme.example", name: "Bo Admin", role: .administrator)
            try fixture.member("sam@acme.example", name: "Sam Member")
            try fixture.member("zed@northwind.example", account: "NW-20417", name: "Zed Other", role: .administrator)
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            let agent = try kim.whoami().agent
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let event = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, code read out", ticket: "SUP-4411", requestID: UUID())

            let rows = try fixture.outbox()
            #expect(rows.map(\.recipient) == ["jane@acme.example", "ada@acme.example", "bo@acme.example"])
            #expect(rows.map(\.audience) == ["member", "administrator", "administrator"])
            #expect(rows.allSatisfy { $0.eventID == event.seq && $0.kind == "2fa_disabled_support" })
            let when = try fixture.connection.query(
                "SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' FROM portal.all_events WHERE event_id = $1",
                [event.seq]).single().decode(String.self, at: 0)
            for row in rows {
                #expect(row.body.contains("Agent: \(agent)") && row.body.contains("Ticket: SUP-4411") && row.body.contains("When: \(when)"))
                #expect(row.body.contains("Event: \(event.seq)"))
                #expect(row.body.contains("not you") || row.body.contains("neither you"))
                #expect(!row.body.contains("caller lost phone"), "the agent's reason could hold what was read out; it is not mailed")
                for secret in forbiddenTexts(of: jane) { #expect(!row.body.contains(secret) && !row.subject.contains(secret)) }
            }
            #expect(fixture.disputeToken(in: rows[0].body) != nil)
            #expect(rows[0].body.contains("http://127.0.0.1:8080/dispute/"))
            #expect(rows.dropFirst().allSatisfy { !$0.body.contains("/dispute/") }, "only the member gets the link")
            #expect(rows[1].body.hasPrefix("Hello Ada Admin,") && rows[2].body.hasPrefix("Hello Bo Admin,"))
        }
    }

    @Test("an override is worded as one; a member who is an administrator gets one notice, not two")
    func overrideOfAnAdministrator() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setApprovalPolicy(.nobody)  // an override takes effect at once (dual control is tested on its own)
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            try fixture.member("bo@acme.example", name: "Bo Admin", role: .administrator)
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            let event = try boss.overrideDisable(memberID: ada.memberID, reason: "no codes left, identity checked", ticket: "SUP-9", requestID: UUID())
            let rows = try fixture.outbox()
            #expect(rows.map(\.recipient) == ["ada@acme.example", "bo@acme.example"])
            #expect(rows.map(\.audience) == ["member", "administrator"])
            #expect(rows.allSatisfy { $0.kind == "2fa_disabled_override" && $0.body.contains("override") && $0.eventID == event.seq })
            #expect(try boss.recipients(ofEvent: event.seq).map { "\($0.recipient) \($0.audience.rawValue)" }
                    == ["ada@acme.example member", "bo@acme.example administrator"])
        }
    }

    @Test("a disable rolled back leaves no notification; a retried one adds none")
    func rolledBackAndRetried() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            try kim.connection.query("BEGIN")
            _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, code read out", ticket: "SUP-1", requestID: UUID())
            try kim.connection.query("ROLLBACK")
            #expect(try fixture.outbox().isEmpty)
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.suspended_credentials").single().decode(Int.self, at: 0) == 0)
            let request = UUID()
            _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, code read out", ticket: "SUP-1", requestID: request)
            _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, code read out", ticket: "SUP-1", requestID: request)
            #expect(try fixture.outbox().count == 2)
        }
    }

    @Test("the member's own disable and new recovery codes tell the member only")
    func membersOwnChanges() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            let (portal, clock) = fixture.laterPortal(secondsAhead: 30)
            let codes = try portal.regenerateRecoveryCodes(email: jane.email, code: jane.totp.code(clock: clock))
            let (later, laterClock) = fixture.laterPortal(secondsAhead: 60)
            try later.disableTwoFactor(email: jane.email, code: jane.totp.code(clock: laterClock))
            let rows = try fixture.outbox()
            #expect(rows.map(\.kind) == ["recovery_codes_regenerated", "2fa_disabled_self"])
            #expect(rows.allSatisfy { $0.recipient == jane.email && $0.audience == "member" && $0.body.contains("signed in to the portal") })
            for row in rows {
                for code in codes { #expect(!row.body.contains(code.grouped)) }
                for secret in forbiddenTexts(of: jane) { #expect(!row.body.contains(secret)) }
            }
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.suspended_credentials").single().decode(Int.self, at: 0) == 0,
                    "the member's own disable deletes; only support's is kept for a dispute")
        }
    }

    @Test("mandatory 2FA on and off tells every administrator of the customer and nobody else")
    func mandatoryChanges() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.customer("NW-20417", name: "Northwind")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            try fixture.member("bo@acme.example", name: "Bo Admin", role: .administrator)
            try fixture.member("sam@acme.example", name: "Sam Member")
            try fixture.member("zed@northwind.example", account: "NW-20417", name: "Zed", role: .administrator)
            try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: "bo@acme.example", on: true)
            try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: "bo@acme.example", on: true)
            try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: "ada@acme.example", on: false)
            let rows = try fixture.outbox()
            #expect(rows.map(\.kind) == ["mandatory_on", "mandatory_on", "mandatory_off", "mandatory_off"])
            #expect(rows.map(\.recipient) == ["ada@acme.example", "bo@acme.example", "ada@acme.example", "bo@acme.example"])
            #expect(rows.allSatisfy { $0.audience == "administrator" })
            #expect(rows[0].body.contains("Bo Admin <bo@acme.example>, an administrator, turned mandatory two-factor authentication on"))
        }
    }

    @Test("a recovery lock tells the member, in the chainer's transaction that records it")
    func recoveryLock() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            for _ in 0..<5 { _ = try kim.verify(memberID: jane.memberID, code: RecoveryCode.generate().grouped) }
            #expect(try fixture.outbox().isEmpty, "not before the lock is recorded")
            try fixture.chainAuditEvents()
            let rows = try fixture.outbox()
            #expect(rows.map(\.kind) == ["recovery_locked"] && rows.map(\.recipient) == [jane.email])
            let lockEvent = try fixture.connection.query(
                "SELECT event_id FROM portal.audit_events WHERE action = 'recovery_locked'").single().decode(Int64.self, at: 0)
            #expect(rows.first?.eventID == lockEvent)
        }
    }

    @Test("a name with line breaks or percent signs cannot reshape a mail")
    func hostileNames() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setApprovalPolicy(.nobody)  // an override takes effect at once (dual control is tested on its own)
            let jane = try fixture.enrolledMember("jane@acme.example", name: "Jane %s\nBcc: x@evil.example")
            try fixture.member("ada@acme.example", name: "Ada %1$s Admin", role: .administrator)
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            _ = try boss.overrideDisable(memberID: jane.memberID, reason: "no codes left, identity checked", ticket: "SUP-9", requestID: UUID())
            let rows = try fixture.outbox()
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { !$0.body.contains("\nBcc:") && $0.body.contains("Jane %sBcc: x@evil.example") })
            #expect(rows[1].body.hasPrefix("Hello Ada %1$s Admin,"))
        }
    }
}
