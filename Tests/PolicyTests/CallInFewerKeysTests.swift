import Foundation
import PGClient
import DeskDatabase
import ProcessTesting
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// Migration 0089's side of fewer keystrokes (issue 14): the desk's common reasons, and whether a
/// member's disable needs an emailed code, asked of the database and answered only after a match.
@Suite("A call in fewer keys")
struct CallInFewerKeysTests {
    @Test("the desk's common reasons are numbered from 1, at most nine, and a picked one still meets the reason rule")
    func commonReasons() throws {
        try withPortalFixture { fixture in
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            let reasons = try kim.policy().commonReasons
            #expect(reasons.count == 4 && reasons[0] == "lost phone, recovery code read out and matched")
            let ten = "ARRAY[" + (1...10).map { "'reason number \($0)'" }.joined(separator: ",") + "]"
            #expect(throws: PGError.self) { try fixture.connection.query("UPDATE portal.settings SET common_reasons = \(ten)") }
            #expect(throws: PGError.self) { try fixture.connection.query("UPDATE portal.settings SET common_reasons = ARRAY['fine reason here', NULL]") }
            #expect(throws: PGError.self) { try fixture.connection.query("UPDATE portal.settings SET common_reasons = ARRAY['   ']") }
            // A desk may list a short one, but the disable's rule still refuses it: the list cannot lower the rule.
            try fixture.connection.query("UPDATE portal.settings SET common_reasons = ARRAY['lost it']")
            #expect(try kim.policy().commonReasons == ["lost it"])
            #expect(refusal { try kim.checkDisableWords(reason: "lost it", ticket: "SUP-1") } == .reasonRequired)
            // The words come back as the disable stores them.
            let words = try kim.checkDisableWords(reason: "  lost phone, code read  ", ticket: " sup-12 ")
            #expect(words.reason == "lost phone, code read" && words.ticket == "SUP-12")
        }
    }

    @Test("user_disable_readiness answers only for a recorded look-up, and says what the policy and the agent's checks say")
    func disableReadiness() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", role: .administrator)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let lee = try fixture.agent("lee")
            defer { kim.connection.close(); lee.connection.close() }
            // Asked by a number that is no recorded look-up of this agent's, it tells nothing:
            // not a member's email, not whether a member exists (a hostile review read every
            // email through the first version, which took a member id).
            for id in [ada.memberID, jane.memberID, 99_999] {
                do {
                    _ = try kim.connection.query("SELECT * FROM support.user_disable_readiness($1::bigint)", [id])
                    Issue.record("answered for \(id) without a look-up")
                } catch let error as PGError {
                    #expect(!error.message.contains("@"), "\(error.message)")
                }
            }
            // With the look-up: no match yet, and why; the policy's answer for an administrator.
            var readiness = try #require(try kim.detail(memberID: ada.memberID).readiness)
            #expect(readiness.noMatch?.contains("verify a recovery code of ada@acme.example first") == true)
            #expect(readiness.needsEmailCode && !readiness.emailCodeReady && readiness.emailCodeMissing)
            _ = try kim.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            readiness = try #require(try kim.detail(memberID: ada.memberID).readiness)
            #expect(readiness.noMatch == nil && readiness.emailCodeMissing)
            // Another agent's match is not this agent's.
            #expect(try lee.detail(memberID: ada.memberID).readiness?.noMatch != nil)
            // The mailed code, presented and matching, counts; a member needs none by default.
            _ = try kim.sendEmailCode(memberID: ada.memberID)
            let body = try fixture.connection.query(
                "SELECT body FROM portal.notifications WHERE kind = 'email_code_sent' ORDER BY id DESC LIMIT 1").single().decode(String.self, at: 0)
            let code = String(body[try #require(body.range(of: #"(?<=\n  )[0-9]{6}(?=\n)"#, options: .regularExpression))])
            #expect(try kim.presentEmailCode(memberID: ada.memberID, code: code) == .match)
            readiness = try #require(try kim.detail(memberID: ada.memberID).readiness)
            #expect(readiness.needsEmailCode && readiness.emailCodeReady && !readiness.emailCodeMissing)
            #expect(try kim.detail(memberID: jane.memberID).readiness?.needsEmailCode == false)
            try fixture.setSecondChannel(.everyone)
            #expect(try kim.detail(memberID: jane.memberID).readiness?.needsEmailCode == true)
            // What the readiness said is what the disable does: it goes through with that code.
            try fixture.setApprovalPolicy(.nobody)
            let event = try kim.disable(memberID: ada.memberID, reason: "lost phone, code read out", ticket: "SUP-3", requestID: UUID())
            #expect(event.action == .twoFactorDisabledSupport)
        }
    }

    @Test("a script's --reason N is the desk's reason N; a number the desk has not listed is refused with nothing changed")
    func reasonByNumberInAScript() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)
            try fixture.setApprovalPolicy(.nobody)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let uri = fixture.database.uri(user: try fixture.agentRole("kim"))
            let code = jane.recoveryCodes[0].grouped
            let wrong = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "verify jane@acme.example \(code)",
                                                              "-c", "disable-2fa jane@acme.example --reason 7 --ticket sup-9 --yes"])
            #expect(wrong.status == 3 && wrong.standardError.contains("there is no common reason 7: pick 1 to 4"), "\(wrong.status) \(wrong.standardError)")
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.totp_credentials WHERE member_id = $1 AND state = 'active'",
                                                 [jane.memberID]).single().decode(Int64.self, at: 0) == 1)
            let done = try BuiltProduct.run("support-desk", ["--db", uri, "--format", "json", "-c", "disable-2fa jane@acme.example --reason 2 --ticket sup-9 --yes"])
            #expect(done.status == 0, "\(done.standardError)")
            let row = try fixture.connection.query(
                "SELECT reason, ticket FROM portal.all_events WHERE action = '2fa_disabled_support'").single()
            #expect(try row.decode(String.self, at: 0) == "new phone, authenticator app not moved over, recovery code read out")
            #expect(try row.decode(String.self, at: 1) == "SUP-9")
        }
    }
}
