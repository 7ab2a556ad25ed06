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

/// Issue 9, item 5: the smaller holes, each tried as the attacker would.
@Suite("Hostile agent: reasons, own locks, connections, recovery-code sign-in")
struct SmallerHoleTests {
    @Test("a reason counts what a reader sees, and control characters are refused",
          arguments: [String(repeating: "\t", count: 10), String(repeating: "\u{200B}", count: 10),
                      String(repeating: "\u{2060}\u{00AD}", count: 6), "lost phone\u{1B}[2J", "lost\nphone call",
                      "  \u{3000}ab\u{200D}cd\u{FEFF}  "])
    func invisibleReasonsAreRefused(_ reason: String) throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let sam = try fixture.hostileAgent("sam", supervisor: true)
            let refusal = sam.failure("SELECT support.override_disable_2fa($1::bigint, $2, 'SUP-1', gen_random_uuid())", [jane.memberID, reason])
            #expect(refusal?.sqlState?.rawValue == "DK007")
            #expect(sam.failure("SELECT support.override_disable_2fa($1::bigint, $2, 'SUP-1', gen_random_uuid())",
                                [jane.memberID, "  Réinitialisation demandée  "]) == nil)
        }
    }

    @Test("a supervisor cannot lift their own agent lock, another supervisor can")
    func ownLockStays() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let members = try (0..<10).map { try fixture.enrolledMember("m\($0)@acme.example") }
            let sam = try fixture.agent("sam", supervisor: true)
            let samName = try sam.whoami().agent
            for member in members { for _ in 0..<2 { _ = try sam.verify(memberID: member.memberID, code: strangersCode()) } }
            #expect(try sam.whoami().lockedUntil != nil)
            #expect(throws: PGError.self) { try sam.clearAgentLockout(agent: samName, reason: "I know what I am doing") }
            let refusal = HostileSession(connection: sam.connection, role: samName)
                .failure("SELECT support.clear_agent_lockout($1, 'I know what I am doing')", [samName])
            #expect(refusal?.sqlState?.rawValue == "DK018")
            let ada = try fixture.agent("ada", supervisor: true)
            _ = try ada.clearAgentLockout(agent: samName, reason: "training exercise finished")
            #expect(try sam.whoami().lockedUntil == nil)
        }
    }

    @Test("an agent's role has a connection limit, and it can be changed")
    func connectionLimit() throws {
        try withPortalFixture { fixture in
            let role = try fixture.agentRole("eve")
            let limit = try fixture.connection.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", [role]).single().decode(Int.self, at: 0)
            #expect(limit == PortalAPI.defaultAgentConnectionLimit)
            try fixture.portal.setAgentConnectionLimit(name: role, connectionLimit: 2)
            let first = try fixture.database.connect(user: role)
            let second = try fixture.database.connect(user: role)
            defer { first.close(); second.close() }
            do {
                let third = try fixture.database.connect(user: role)
                defer { third.close() }
                let seen = try third.query("SELECT count(*) FROM pg_stat_activity WHERE usename = current_user").single().decode(Int.self, at: 0)
                Issue.record("a third connection was allowed (\(seen) sessions of \(role))")
            } catch {
                #expect("\(error)".contains("too many connections"))
            }
            #expect(throws: PGError.self) { try fixture.portal.setAgentConnectionLimit(name: "postgres", connectionLimit: 5) }
        }
    }

    @Test("signing in with a recovery code respects the login lockout and records a wrong code itself")
    func recoveryCodeSignInIsCounted() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            // A caller of the portal API that skips the portal's own bookkeeping.
            for attempt in 1...5 {
                let row = try fixture.connection.query(
                    "SELECT used, locked_until FROM portal_api.sign_in_with_recovery_code($1::bigint, $2)", [jane.memberID, strangersCode()]).single()
                #expect(try row.decode(Bool.self, column: "used") == false)
                #expect(try (row.decode(PGTimestamp?.self, column: "locked_until") != nil) == (attempt == 5))
            }
            #expect(try fixture.count("portal.login_failures") == 5)
            let right = try fixture.connection.query(
                "SELECT used, locked_until FROM portal_api.sign_in_with_recovery_code($1::bigint, $2)", [jane.memberID, jane.recoveryCodes[0].grouped]).single()
            #expect(try right.decode(Bool.self, column: "used") == false, "locked: even the right code is refused")
            #expect(try fixture.count("portal.recovery_codes", "used_at IS NOT NULL") == 0)
            if case .locked = try fixture.portal.login(email: jane.email, password: PortalFixture.password, recoveryCode: jane.recoveryCodes[0].grouped) {} else {
                Issue.record("the portal's login did not say locked")
            }
        }
    }
}
