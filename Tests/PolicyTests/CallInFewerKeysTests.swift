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

    @Test("needs_email_code answers only an agent holding a usable match, and says what the policy says")
    func needsEmailCode() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let ada = try fixture.enrolledMember("ada@acme.example", role: .administrator)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let lee = try fixture.agent("lee")
            defer { kim.connection.close(); lee.connection.close() }
            // Without a match it tells nothing, not even the role: DK005 with the usual sentence.
            #expect(refusal { _ = try kim.needsEmailCode(memberID: ada.memberID) } == .notVerified)
            #expect(refusal { _ = try kim.needsEmailCode(memberID: 99_999) } == .memberNotFound)
            _ = try kim.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            #expect(try kim.needsEmailCode(memberID: ada.memberID))
            #expect(try !kim.needsEmailCode(memberID: jane.memberID))
            // Another agent's match is not this agent's.
            #expect(refusal { _ = try lee.needsEmailCode(memberID: ada.memberID) } == .notVerified)
            try fixture.setSecondChannel(.everyone)
            #expect(try kim.needsEmailCode(memberID: jane.memberID))
            try fixture.setSecondChannel(.nobody)
            #expect(try !kim.needsEmailCode(memberID: ada.memberID))
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
