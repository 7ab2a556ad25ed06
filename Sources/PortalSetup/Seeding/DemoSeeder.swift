public import PortalCore
import DeskDatabase
import Foundation
import PGClient
import TOTPCore

/// A few hundred realistic customers and team members for the demo, made through the portal's
/// own API (so the audit log shows real enrolments and mandatory switches), and the calls a
/// newcomer can rehearse with them.
public struct DemoSeeder {
    /// What the demo holds.
    public struct Summary: Sendable {
        public let customers: Int
        public let members: Int
        public let enrolled: Int
        public let mandatoryCustomers: Int
        public let scenarios: [CallScenario]
        /// Every demo member's password.
        public let password: String
    }

    /// The password of every demo member.
    public static let password = "demo-password"
    static let anchorAccount = "MS-10442"

    let portal: PortalAPI

    /// A seeder acting through the portal's API (which needs the secret key).
    public init(portal: PortalAPI) { self.portal = portal }

    /// Creates the demo data in one transaction (all or nothing); refuses if it is there already.
    public func load(seed: UInt64 = 42) throws -> Summary {
        let hash = try PasswordHash.make(password: Self.password)
        return try portal.connection.transaction { _ in try load(seed: seed, hash: hash) }
    }

    private func load(seed: UInt64, hash: PasswordHash) throws -> Summary {
        let existing = try portal.connection.query(
            "SELECT count(*) FROM portal_api.login_state('jane.doe@acme.example')").single().decode(Int.self, at: 0)
        guard existing == 0 else {
            throw PortalRefusal(code: .duplicateAccount, message: "the demo data is already loaded (jane.doe@acme.example exists)")
        }
        var random = SeededGenerator(seed: seed)
        var members = 0
        var enrolled: [String: [RecoveryCode]] = [:]
        var mandatory = 0

        // The customers the scenarios use, with fixed names.
        try portal.createCustomer(account: Self.anchorAccount, name: "Acme Hosting Ltd")
        try portal.createCustomer(account: "NW-20417", name: "Northwind Traders GmbH")
        let fixed: [(String, String, String, MemberRole, String?, Bool)] = [
            (Self.anchorAccount, "jane.doe@acme.example", "Jane Doe", .administrator, "+44 20 7946 0958", true),
            (Self.anchorAccount, "john.smith@acme.example", "John Smith", .member, "+44 20 7946 0011", false),
            (Self.anchorAccount, "priya.patel@acme.example", "Priya Patel", .member, "+44 20 7946 0123", true),
            ("NW-20417", "bjorn.lindqvist@northwind.example", "Bjørn Lindqvist", .administrator, "+49 30 5550 1234", true),
            ("NW-20417", "chloe.martin@northwind.example", "Chloé Martin", .member, "+49 30 5550 9876", true),
        ]
        for (account, email, name, role, phone, enrol) in fixed {
            try portal.addMember(account: account, email: email, name: name, role: role, phone: phone, passwordHash: hash)
            members += 1
            if enrol { enrolled[email] = try enrolMember(email) }
        }
        try portal.setMandatory(account: "NW-20417", administratorEmail: "bjorn.lindqvist@northwind.example", on: true)
        mandatory += 1

        // Many more, generated, so find has something to rank.
        let customers = 80
        for index in 0..<customers {
            let account = "MS-\(20000 + index * 7)"
            let company = SampleNames.companyName(&random)
            try portal.createCustomer(account: account, name: company)
            let domain = SampleNames.slug(company, separator: "-") + ".example"
            let size = 2 + Int(random.next() % 5)
            var administrator: String?
            for position in 0..<size {
                let name = SampleNames.personName(&random)
                let email = "\(SampleNames.slug(name)).\(index)\(position)@\(domain)"
                let role: MemberRole = position == 0 ? .administrator : .member
                let phone = random.next() % 5 == 0 ? nil : SampleNames.phone(&random)
                try portal.addMember(account: account, email: email, name: name, role: role, phone: phone, passwordHash: hash)
                members += 1
                if position == 0 { administrator = email }
                if random.next() % 10 < 4 { enrolled[email] = try enrolMember(email) }
            }
            if index % 7 == 3, let administrator {
                try portal.setMandatory(account: account, administratorEmail: administrator, on: true)
                mandatory += 1
            }
        }
        return Summary(customers: customers + 2, members: members, enrolled: enrolled.count,
                       mandatoryCustomers: mandatory, scenarios: scenarios(enrolled), password: Self.password)
    }

    /// Enrols a member as the portal would and returns their recovery codes.
    private func enrolMember(_ email: String) throws -> [RecoveryCode] {
        let uri = try portal.beginEnrolment(email: email)
        guard let totp = uri.makeTOTP() else { throw PortalRefusal.noPendingEnrolment(email) }
        return try portal.confirmEnrolment(email: email, code: try totp.code(clock: portal.clock))
    }

    private func scenarios(_ enrolled: [String: [RecoveryCode]]) -> [CallScenario] {
        let jane = enrolled["jane.doe@acme.example"]!
        let priya = enrolled["priya.patel@acme.example"]!
        let chloe = enrolled["chloe.martin@northwind.example"]!
        var misheard = Array(priya[2].normalized)
        misheard[5] = misheard[5] == "X" ? "Y" : "X"
        let misheardGrouped = RecoveryCode.grouped(String(misheard))
        return [
            CallScenario(title: "Lost phone", caller: "Jane Doe", email: "jane.doe@acme.example", account: Self.anchorAccount,
                         recoveryCode: jane[0].grouped,
                         expectation: "find jane, verify (the code matches); she is an administrator, so the console offers to mail her "
                             + "a 6-digit code (Enter) and asks for it (from her mail), then disable-2fa: a reason by number, a ticket, y"),
            CallScenario(title: "Lost phone, customer enforces 2FA", caller: "Chloé Martin", email: "chloe.martin@northwind.example",
                         account: "NW-20417", recoveryCode: chloe[0].grouped,
                         expectation: "show warns that mandatory 2FA is on: after the disable she must set 2FA up again at login"),
            CallScenario(title: "Misheard character", caller: "Priya Patel", email: "priya.patel@acme.example", account: Self.anchorAccount,
                         recoveryCode: misheardGrouped, readsAgain: priya[2].grouped,
                         expectation: "the check character catches it at once and the attempt is not charged; she reads it again, "
                             + "it matches, then disable-2fa"),
            CallScenario(title: "No 2FA to disable", caller: "John Smith", email: "john.smith@acme.example", account: Self.anchorAccount,
                         recoveryCode: nil, expectation: "show says 2FA is off: nothing to disable, he can log in with his password"),
        ]
    }
}
