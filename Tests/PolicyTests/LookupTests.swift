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

    /// Every word a word becomes when two neighbouring letters trade places.
    static func swaps(_ word: String) -> [String] {
        let letters = Array(word)
        return letters.indices.dropLast().compactMap { index in
            guard letters[index] != letters[index + 1] else { return nil }
            var swapped = letters
            swapped.swapAt(index, index + 1)
            return String(swapped)
        }
    }

    @Test("two letters swapped in a surname or a first name, and an account number without its dash, find the member")
    func typos() throws {
        try withPortalFixture { fixture in
            try Self.people(fixture)
            let people = [("bjorn@northwind.example", "Bjørn Lindqvist"), ("priya@northwind.example", "Priya Patel"),
                          ("seun@northwind.example", "Oluwaseun Adeyemi"), ("vale@northwind.example", "Valentina Kowalski"),
                          ("zoe@northwind.example", "Zoë Fernández"), ("quentin@northwind.example", "Quentin O'Connor")]
            for (email, name) in people { try fixture.member(email, account: "NW-2001", name: name) }
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            // The examples of issue 10, each first.
            #expect(try agent.find("Simth").first?.email == "john.smith@acme.example")
            #expect(try agent.find("Lidnqvist").first?.email == "bjorn@northwind.example")
            #expect(try agent.find("Patle").first?.email == "priya@northwind.example")
            #expect(try agent.find("jnae doe").first.map { [$0.email, $0.matchedOn.rawValue] } == ["jane.doe@acme.example", "name"])
            #expect(try agent.find("Smtih Jonh").first?.email == "john.smith@acme.example")
            #expect(try agent.find("Fernandez Zoe").first?.email == "zoe@northwind.example", "accents are optional")
            #expect(try agent.find("oconnor").first?.email == "quentin@northwind.example")
            // An account number with or without its dash, in any case, is the account.
            for account in ["ms10442", "MS 10442", "Ms-10442"] {
                let found = try agent.find(account)
                #expect(found.map(\.email).sorted() == ["jane.doe@acme.example", "john.smith@acme.example"], "\(account)")
                #expect(found.allSatisfy { $0.matchedOn == .account && $0.score == 1 })
            }
            // Every neighbouring swap of every first name and surname of four letters or more
            // finds its member in the first 20.
            var missed: [String] = []
            var tried = 0
            for (email, name) in people + [("jane.doe@acme.example", "Jane Doe"), ("john.smith@acme.example", "John Smith"),
                                           ("janet@northwind.example", "Janet Leverling"), ("andrew@northwind.example", "Andrew Fuller")] {
                for word in name.split(separator: " ").map(String.init) where word.count >= 4 {
                    for typo in Self.swaps(word) {
                        tried += 1
                        if try !agent.find(typo).prefix(20).contains(where: { $0.email == email }) { missed.append(typo) }
                    }
                }
            }
            #expect(tried > 80 && missed.isEmpty, "\(missed.count) of \(tried) missed: \(missed)")
        }
    }

    @Test("many members sharing a word: the first by member id, best first, the same answer every time")
    func commonSurname() throws {
        try withPortalFixture { fixture in
            try fixture.customer("MS-10442", name: "Acme Hosting Ltd")
            try fixture.customer("NW-2001", name: "Northwind Traders")
            var ids: [Int64] = []
            for index in 0..<30 {
                ids.append(try fixture.member("okafor\(index)@example.com", account: index % 2 == 0 ? "NW-2001" : "MS-10442",
                                              name: index % 3 == 0 ? "Kwame Okafor" : "Ada Okafor"))
            }
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            let found = try agent.find("Okafor", limit: 10)
            #expect(Set(found.map(\.memberID)) == Set(ids.prefix(10)))
            #expect(found.map { [$0.accountNumber, $0.email] } == found.map { [$0.accountNumber, $0.email] }.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(try agent.find("Okafor", limit: 10).map(\.memberID) == found.map(\.memberID))
            // Both words first: every Kwame Okafor before any other Okafor.
            let kwame = try agent.find("kwame okafor", limit: 15)
            #expect(kwame.prefix(10).allSatisfy { $0.name == "Kwame Okafor" } && kwame.count == 15)
            #expect(kwame.dropFirst(10).allSatisfy { $0.name == "Ada Okafor" && $0.score < kwame[0].score })
        }
    }

    @Test("the word index follows renamed members and customers")
    func renamed() throws {
        try withPortalFixture { fixture in
            try Self.people(fixture)
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            try fixture.connection.query("UPDATE portal.team_members SET name = 'Maria Brown-Okafor' WHERE email = 'andrew@northwind.example'")
            try fixture.connection.query("UPDATE portal.customers SET name = 'Southwind Traders' WHERE account_number = 'NW-2001'")
            #expect(try agent.find("Okafor").first?.email == "andrew@northwind.example")
            #expect(try agent.find("maria brown").first?.email == "andrew@northwind.example")
            #expect(try agent.find("Fuller").isEmpty)
            #expect(try agent.find("southwind").count == 2)
            #expect(try agent.find("northwind").isEmpty)
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
