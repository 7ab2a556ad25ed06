import DeskDatabase
import Foundation
import PGClient
import PortalCore
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// The second channel (migration 0042): where policy asks for it, a disable needs the code mailed
/// to the member as well as the recovery code, every guess is recorded, and nothing an agent can
/// do in psql gets round it.
@Suite("A second channel for administrators")
struct SecondChannelTests {
    let reason = "caller lost phone, code read out"

    func setPolicy(_ fixture: PortalFixture, _ policy: SecondChannelPolicy) throws {
        try fixture.connection.query("UPDATE portal.settings SET second_channel_for = $1", [policy.rawValue])
    }

    /// The code in the member's latest second-channel mail.
    func mailedCode(_ fixture: PortalFixture, to email: String) throws -> String {
        let body = try #require(try fixture.outbox(kind: "email_code_sent").last { $0.recipient == email }?.body)
        let range = try #require(body.range(of: #"\n  [0-9]{6}\n"#, options: .regularExpression))
        return body[range].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("by default an administrator's disable needs the emailed code too; a member's does not")
    func administratorsByDefault() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            #expect(try kim.secondChannelPolicy() == .administrators)
            _ = try kim.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            #expect(refusal { _ = try kim.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-1", requestID: UUID()) } == .secondChannelRequired)
            #expect(refusal { _ = try kim.sendEmailCode(memberID: jane.memberID) } == .invalidArgument, "not asked of members")
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            _ = try kim.disable(memberID: jane.memberID, reason: reason, ticket: "SUP-2", requestID: UUID())

            let sent = try kim.sendEmailCode(memberID: ada.memberID)
            #expect(sent.recipient == ada.email)
            let code = try mailedCode(fixture, to: ada.email)
            let mail = try #require(try fixture.outbox(kind: "email_code_sent").last)
            let agentName = try kim.whoami().agent
            #expect(mail.audience == "member" && mail.body.contains(agentName))
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.email_codes WHERE code_hash = sha256(salt || convert_to($1, 'UTF8'))", [code])
                .single().decode(Int.self, at: 0) == 1, "stored hashed")
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.email_codes WHERE encode(code_hash, 'escape') LIKE '%' || $1 || '%'", [code])
                .single().decode(Int.self, at: 0) == 0)
            let wrong = code == "000000" ? "111111" : "000000"
            #expect(try kim.presentEmailCode(memberID: ada.memberID, code: wrong) == .mismatch)
            #expect(refusal { _ = try kim.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-1", requestID: UUID()) } == .secondChannelRequired)
            #expect(try kim.presentEmailCode(memberID: ada.memberID, code: code) == .match)
            let event = try kim.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-1", requestID: UUID())
            #expect(event.action == .twoFactorDisabledSupport)
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.email_code_checks WHERE consumed_at IS NOT NULL")
                .single().decode(Int.self, at: 0) == 1, "the code is consumed by the disable")
            let sentEvents = try fixture.connection.query("SELECT count(*) FROM portal.all_events WHERE action = 'email_code_sent'")
                .single().decode(Int.self, at: 0)
            #expect(sentEvents == 1)
        }
    }

    @Test("a code has 5 tries and 10 minutes; a newer one replaces it; another agent's presentation does not count")
    func limits() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            let kim = try fixture.agent("kim")
            let sam = try fixture.agent("sam")
            defer { kim.connection.close(); sam.connection.close() }
            #expect(try kim.presentEmailCode(memberID: ada.memberID, code: "123456") == .noCode)
            _ = try kim.sendEmailCode(memberID: ada.memberID)
            var code = try mailedCode(fixture, to: ada.email)
            let wrong = code == "000000" ? "111111" : "000000"
            for _ in 0..<5 { #expect(try kim.presentEmailCode(memberID: ada.memberID, code: wrong) == .mismatch) }
            #expect(try kim.presentEmailCode(memberID: ada.memberID, code: code) == .exhausted)

            _ = try kim.sendEmailCode(memberID: ada.memberID)
            let old = code
            code = try mailedCode(fixture, to: ada.email)
            if old != code { #expect(try kim.presentEmailCode(memberID: ada.memberID, code: old) == .mismatch) }
            #expect(try sam.presentEmailCode(memberID: ada.memberID, code: code) == .match)
            _ = try kim.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            #expect(refusal { _ = try kim.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-1", requestID: UUID()) } == .secondChannelRequired,
                    "sam's presentation is sam's")

            _ = try kim.sendEmailCode(memberID: ada.memberID)
            code = try mailedCode(fixture, to: ada.email)
            try fixture.connection.query("UPDATE portal.email_codes SET expires_at = clock_timestamp() - interval '1 second'")
            #expect(try kim.presentEmailCode(memberID: ada.memberID, code: code) == .expired)
            #expect(refusal { _ = try kim.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-1", requestID: UUID()) } == .secondChannelRequired)
        }
    }

    /// A hostile review sent code after code, 5 guesses each, 1,500 guesses a second: sending is
    /// limited per member, whoever sends, and a refused send mails nothing.
    @Test("at most email_codes_per_hour codes go to one member in an hour, from any agent")
    func sendingIsLimited() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            let kim = try fixture.agent("kim")
            let sam = try fixture.agent("sam")
            defer { kim.connection.close(); sam.connection.close() }
            for _ in 0..<2 { _ = try kim.sendEmailCode(memberID: ada.memberID) }
            _ = try sam.sendEmailCode(memberID: ada.memberID)
            #expect(refusal { _ = try kim.sendEmailCode(memberID: ada.memberID) } == .emailCodeLimit)
            #expect(refusal { _ = try sam.sendEmailCode(memberID: ada.memberID) } == .emailCodeLimit)
            #expect(try fixture.outbox(kind: "email_code_sent").count == 3, "a refused send mails nothing")
            // An hour later the member can be sent a code again.
            try fixture.connection.query("UPDATE portal.email_codes SET sent_at = sent_at - interval '61 minutes'")
            _ = try kim.sendEmailCode(memberID: ada.memberID)
        }
    }

    @Test("an agent with psql cannot learn a code's outcome from an uncommitted guess, nor read the codes")
    func hostileAgent() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            let eve = try fixture.agent("eve")
            defer { eve.connection.close() }
            _ = try eve.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            _ = try eve.sendEmailCode(memberID: ada.memberID)
            let code = try mailedCode(fixture, to: ada.email)
            // The right code, presented and used in one transaction, then rolled back: refused,
            // so a guess inside a transaction says nothing.
            try eve.connection.query("BEGIN")
            let check = try eve.connection.query("SELECT support.present_email_code($1::bigint, $2)", [ada.memberID, code]).single().decode(Int64.self, at: 0)
            #expect(sqlState(eve.connection, "SELECT support.email_code_outcome(\(check))") == "DK016")
            try eve.connection.query("ROLLBACK")
            try eve.connection.query("BEGIN")
            _ = try eve.connection.query("SELECT support.present_email_code($1::bigint, $2)", [ada.memberID, code])
            #expect(refusal { _ = try eve.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-1", requestID: UUID()) } == .secondChannelRequired)
            try eve.connection.query("ROLLBACK")
            for statement in ["SELECT * FROM portal.email_codes", "SELECT * FROM portal.email_code_checks",
                              "UPDATE portal.settings SET second_channel_for = 'nobody'",
                              "SELECT portal.require_second_channel(m, false) FROM portal.team_members m",
                              "SELECT portal.email_check_outcome(NULL::portal.email_code_checks)"] {
                #expect(sqlState(eve.connection, statement) == "42501", "\(statement)")
            }
            #expect(sqlState(eve.connection, "SELECT support.email_code_outcome(\(check))") == "DK015", "a rolled-back check is no record")
        }
    }

    @Test("'everyone' asks it of members too; 'nobody' makes a disable exactly as before")
    func otherPolicies() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            try setPolicy(fixture, .everyone)
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: reason, ticket: "SUP-1", requestID: UUID()) } == .secondChannelRequired)
            try setPolicy(fixture, .nobody)
            _ = try kim.disable(memberID: jane.memberID, reason: reason, ticket: "SUP-1", requestID: UUID())
            #expect(refusal { _ = try kim.sendEmailCode(memberID: ada.memberID) } == .invalidArgument)
            _ = try kim.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            _ = try kim.disable(memberID: ada.memberID, reason: reason, ticket: "SUP-2", requestID: UUID())
            #expect(try fixture.outbox(kind: "email_code_sent").isEmpty)
        }
    }
}
