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

@Suite("Finding and showing a member")
struct LookupTests {
    static func people(_ fixture: PortalFixture) throws {
        try fixture.customer("MS-10442", name: "Acme Hosting Ltd")
        try fixture.customer("NW-2001", name: "Northwind Traders")
        try fixture.member("jane.doe@acme.example", account: "MS-10442", name: "Jane Doe", role: .administrator, phone: "+44 20 7946 0958")
        try fixture.member("john.smith@acme.example", account: "MS-10442", name: "John Smith", phone: "(555) 010-4477")
        try fixture.member("janet@northwind.example", account: "NW-2001", name: "Janet Leverling", phone: "+1 206 555 3412")
        try fixture.member("andrew@northwind.example", account: "NW-2001", name: "Andrew Fuller")
    }

    @Test("exact email, account number, phone digits and similar names are found, best first")
    func ranking() throws {
        try withPortalFixture { fixture in
            try Self.people(fixture)
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            #expect(try agent.find("JANE.DOE@acme.example").first.map { [$0.email, $0.matchedOn.rawValue] } == ["jane.doe@acme.example", "email"])
            #expect(try agent.find("jane.doe@acme.example").count == 1, "an exact key is the answer; no fuzzy matches")
            #expect(try agent.find("nw-2001").map(\.email).sorted() == ["andrew@northwind.example", "janet@northwind.example"])
            #expect(try agent.find("020 7946 0958").first?.email == "jane.doe@acme.example")
            #expect(try agent.find("+44 (20) 7946-0958").first?.matchedOn == .phone)
            #expect(try agent.find("5550104477").first?.email == "john.smith@acme.example")
            #expect(try agent.find("smith").first?.email == "john.smith@acme.example")
            #expect(try agent.find("Jane").first?.email == "jane.doe@acme.example")
            #expect(try agent.find("northwind").count == 2)
            #expect(try agent.find("Leverlin").first?.email == "janet@northwind.example")
            #expect(try agent.find("zebra quokka").isEmpty)
            #expect(try agent.find("a", limit: 1).count <= 1)
            #expect(refusal { _ = try agent.find("   ") } == .invalidArgument)
            #expect(refusal { _ = try agent.find(String(repeating: "x", count: 201)) } == .invalidArgument)
            #expect(refusal { _ = try agent.find("jane", limit: 0) } == .invalidArgument)
            // Quotes, wildcards and backslashes are text, not syntax.
            for odd in ["%", "_", "jane' OR 1=1 --", "\\", "\u{202E}evil"] {
                _ = try agent.find(odd)
            }
        }
    }

    @Test("a member is resolved by email or #id, and shown in full")
    func detail() throws {
        try withPortalFixture { fixture in
            try Self.people(fixture)
            let jane = try fixture.enrolledMember("jane@acme.example", account: "MS-10442", name: "Jane Q", role: .member)
            try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: "jane.doe@acme.example", on: true)
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            #expect(try agent.resolveMember("JANE@ACME.EXAMPLE") == jane.memberID)
            #expect(try agent.resolveMember("#\(jane.memberID)") == jane.memberID)
            #expect(refusal { _ = try agent.resolveMember("nobody@acme.example") } == .memberNotFound)
            #expect(refusal { _ = try agent.resolveMember("#999999") } == .memberNotFound)
            #expect(refusal { _ = try agent.detail(memberID: 999_999) } == .memberNotFound)
            let detail = try agent.detail(memberID: jane.memberID)
            #expect(detail.email == "jane@acme.example" && detail.accountNumber == "MS-10442")
            #expect(detail.mandatory && detail.mandatoryBy == "jane.doe@acme.example" && detail.mandatorySince != nil)
            #expect(detail.twoFactor == .active && detail.twoFactorSince != nil && detail.recoveryCodesLeft == 10)
            #expect(detail.lockedUntil == nil && detail.verifiedUntil == nil && detail.lastLoginAt == nil)
            _ = try agent.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            #expect(try agent.detail(memberID: jane.memberID).verifiedUntil != nil)
            let events = try agent.events(memberID: jane.memberID)
            #expect(events.map(\.action.rawValue) == ["recovery_verified", "2fa_enabled"])
        }
    }

    @Test("a pending set-up shows as pending, and logins lock after 5 failures")
    func pendingAndLoginLockout() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let lee = try fixture.member("lee@acme.example", name: "Lee")
            _ = try fixture.portal.beginEnrolment(email: "lee@acme.example")
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            #expect(try agent.detail(memberID: lee).twoFactor == .pending)
            #expect(try agent.verify(memberID: lee, code: RecoveryCode.generate().grouped).outcome == .notEnrolled)
            var outcomes: [LoginOutcome] = []
            for _ in 0..<6 { outcomes.append(try fixture.portal.login(email: "lee@acme.example", password: "not the password")) }
            #expect(outcomes.prefix(4).allSatisfy { $0 == .wrongPassword })
            if case .locked = outcomes[4] {} else { Issue.record("the fifth failure locks: \(outcomes[4])") }
            if case .locked = try fixture.portal.login(email: "lee@acme.example", password: PortalFixture.password) {} else {
                Issue.record("the right password is refused while locked")
            }
            #expect(try fixture.portal.login(email: "nobody@acme.example", password: "whatever whatever") == .wrongPassword)
        }
    }
}
