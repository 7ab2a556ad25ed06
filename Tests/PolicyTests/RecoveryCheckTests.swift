import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport
import TOTPCore

@Suite("Recovery-code checks and lockouts")
struct RecoveryCheckTests {
    /// A well-formed code (valid check symbol) that is not one of the member's.
    static func wrongCode() -> String { RecoveryCode.generate().grouped }

    @Test("the lockout holds at exactly 5 mismatches with 16 concurrent callers")
    func lockoutUnderConcurrency() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent("kim")
            let role = try agent.whoami().agent
            agent.connection.close()
            let outcomes = fixture.concurrently(16, as: role) { api in
                try api.verify(memberID: jane.memberID, code: Self.wrongCode())
            }.map { try? $0.get() }
            #expect(outcomes.allSatisfy { $0 != nil })
            let mismatches = outcomes.compactMap { $0 }.filter { $0.outcome == .mismatch }
            let locked = outcomes.compactMap { $0 }.filter { $0.outcome == .locked }
            #expect(mismatches.count == 5)
            #expect(locked.count == 11)
            #expect(Set(mismatches.compactMap(\.attemptsLeft)) == [0, 1, 2, 3, 4])
            #expect(locked.allSatisfy { $0.lockedScope == .member && $0.lockedUntil != nil })
            try fixture.chainAuditEvents()
            let events = try fixture.connection.query(
                "SELECT action, count(*) FROM portal.audit_events GROUP BY action ORDER BY action").rows
                .map { (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1)) }
            #expect(events.map(\.0) == ["2fa_enabled", "recovery_failed", "recovery_locked"])
            #expect(events.map(\.1) == [1, 5, 1])
            let recorded = try fixture.connection.query(
                "SELECT count(*) FROM portal.recovery_checks WHERE member_id = $1::bigint", [jane.memberID]).single().decode(Int.self, at: 0)
            #expect(recorded == 16, "every attempt is recorded, the refused ones too")
        }
    }

    @Test("while locked even the right code is refused; a supervisor's clear lets it through")
    func lockedThenCleared() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent()
            let supervisor = try fixture.agent("boss", supervisor: true)
            defer { agent.connection.close(); supervisor.connection.close() }
            var last: RecoveryCheck?
            for _ in 0..<5 { last = try agent.verify(memberID: jane.memberID, code: Self.wrongCode()) }
            #expect(last?.outcome == .mismatch && last?.attemptsLeft == 0 && last?.lockedUntil != nil)
            #expect(try agent.detail(memberID: jane.memberID).lockedUntil != nil)
            #expect(try agent.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped).outcome == .locked)
            #expect(refusal { _ = try supervisor.clearLockout(memberID: jane.memberID, reason: "short") } == .reasonRequired)
            let cleared = try supervisor.clearLockout(memberID: jane.memberID, reason: "caller identity confirmed by video")
            #expect(cleared.action.rawValue == "lock_cleared")
            #expect(refusal { _ = try supervisor.clearLockout(memberID: jane.memberID, reason: "caller identity confirmed by video") } == .notLocked)
            let check = try agent.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            #expect(check.outcome == .match && check.usableUntil != nil)
            // After the clear, counting starts again from zero.
            #expect(try agent.verify(memberID: jane.memberID, code: Self.wrongCode()).attemptsLeft == 4)
        }
    }

    @Test("a misheard code is not charged; codes are read as people say them")
    func malformedNotCharged() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            let good = jane.recoveryCodes[3].normalized
            var misheard = Array(good)
            misheard[2] = misheard[2] == "7" ? "8" : "7"
            for input in [String(misheard), "", "ABC", String(repeating: "A", count: 200), "ÄÖÜ-1234-5678-9ABC"] {
                #expect(try agent.verify(memberID: jane.memberID, code: input).outcome == .malformed)
            }
            #expect(try agent.verify(memberID: jane.memberID, code: Self.wrongCode()).attemptsLeft == 4)
            let spoken = good.lowercased().replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
            let spaced = RecoveryCode.grouped(spoken).replacingOccurrences(of: "-", with: " ")
            #expect(try agent.verify(memberID: jane.memberID, code: spaced).outcome == .match)
        }
    }

    @Test("a member without 2FA is reported as not enrolled, and a used code does not match")
    func notEnrolledAndUsedCodes() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let bob = try fixture.member("bob@acme.example", name: "Bob Roe")
            let jane = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            #expect(try agent.verify(memberID: bob, code: Self.wrongCode()).outcome == .notEnrolled)
            #expect(try fixture.portal.login(email: jane.email, password: PortalFixture.password,
                                             recoveryCode: jane.recoveryCodes[0].grouped) == .signedIn(method: .recoveryCode))
            #expect(try agent.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped).outcome == .mismatch)
            #expect(try agent.detail(memberID: jane.memberID).recoveryCodesLeft == 9)
        }
    }

    @Test("an agent with too many mismatches across members is stopped")
    func agentLockout() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.connection.query("UPDATE portal.settings SET agent_max_mismatches = 6")
            let members = try (0..<3).map { try fixture.enrolledMember("m\($0)@acme.example", name: "Member \($0)") }
            let agent = try fixture.agent()
            let supervisor = try fixture.agent("boss", supervisor: true)
            defer { agent.connection.close(); supervisor.connection.close() }
            var outcomes: [RecoveryCheck] = []
            for member in members { for _ in 0..<2 { outcomes.append(try agent.verify(memberID: member.memberID, code: Self.wrongCode())) } }
            #expect(outcomes.last?.lockedScope == .agent)
            let next = try agent.verify(memberID: members[0].memberID, code: members[0].recoveryCodes[0].grouped)
            #expect(next.outcome == .locked && next.lockedScope == .agent)
            #expect(try agent.whoami().lockedUntil != nil)
            let role = try agent.whoami().agent
            // A name that is no agent is said to be so, and leaves no guard row behind.
            #expect(refusal { _ = try supervisor.clearAgentLockout(agent: role + "x", reason: "training exercise finished") } == .invalidArgument)
            #expect(refusal { _ = try supervisor.clearAgentLockout(agent: "postgres", reason: "training exercise finished") } == .invalidArgument)
            #expect(try fixture.connection.query("SELECT count(*)::int FROM portal.agent_guards WHERE agent = $1", [role + "x"])
                .single().decode(Int.self, at: 0) == 0)
            _ = try supervisor.clearAgentLockout(agent: role, reason: "training exercise finished")
            #expect(try agent.verify(memberID: members[0].memberID, code: members[0].recoveryCodes[0].grouped).outcome == .match)
        }
    }

    @Test("the database reads recovery codes exactly as TOTPCore does", arguments: [0, 1])
    func normalisationAgrees(seed: Int) throws {
        try withPortalFixture { fixture in
            var inputs: [String] = []
            for index in 0..<400 {
                let code = RecoveryCode.generate().normalized
                var characters = Array(code)
                switch (index + seed) % 4 {
                case 0: inputs.append(code)
                case 1: inputs.append(RecoveryCode.generate().grouped.lowercased())
                case 2:
                    let position = index % 16
                    characters[position] = characters[position] == "Z" ? "Y" : "Z"
                    inputs.append(String(characters))
                default:
                    characters.swapAt(index % 15, index % 15 + 1)
                    inputs.append(String(characters))
                }
            }
            let rows = try fixture.connection.query(
                "SELECT portal.normalise_recovery_code(c) FROM unnest(string_to_array($1::text, ',')) WITH ORDINALITY AS t(c, n) ORDER BY n",
                [inputs.joined(separator: ",")]).rows
            #expect(rows.count == inputs.count)
            for (input, row) in zip(inputs, rows) {
                let database = try row.decode(String?.self, at: 0)
                let swift = try? RecoveryCode(parsing: input).normalized
                #expect(database == swift, "\(input)")
            }
        }
    }
}
