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

@Suite("Demo and scale data")
struct SeedTests {
    @Test("the demo data holds what its call scenarios promise")
    func demoScenarios() throws {
        try withPortalFixture { fixture in
            let summary = try DemoSeeder(portal: fixture.portal).load()
            #expect(summary.members >= 200 && summary.enrolled >= 50 && summary.mandatoryCustomers >= 2)
            #expect(refusal { _ = try DemoSeeder(portal: fixture.portal).load() } == .duplicateAccount)
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            let scenarios = Dictionary(uniqueKeysWithValues: summary.scenarios.map { ($0.title, $0) })
            let lost = try #require(scenarios["Lost phone"])
            let jane = try agent.resolveMember(lost.email)
            #expect(try agent.verify(memberID: jane, code: try #require(lost.recoveryCode)).outcome == .match)
            let mandatory = try #require(scenarios["Lost phone, customer enforces 2FA"])
            let chloe = try agent.detail(memberID: try agent.resolveMember(mandatory.email))
            #expect(chloe.mandatory && chloe.twoFactor == .active)
            #expect(try agent.verify(memberID: chloe.memberID, code: try #require(mandatory.recoveryCode)).outcome == .match)
            let misheard = try #require(scenarios["Misheard character"])
            #expect(throws: RecoveryCodeError.misheardCharacter) { try RecoveryCode(parsing: misheard.recoveryCode ?? "") }
            let john = try #require(scenarios["No 2FA to disable"])
            #expect(try agent.detail(memberID: try agent.resolveMember(john.email)).twoFactor == .off)
            #expect(try fixture.portal.login(email: john.email, password: DemoSeeder.password) == .signedIn(method: .password))
            #expect(try agent.find("Bjørn Lindqvist").first?.email == "bjorn.lindqvist@northwind.example")
        }
    }

    @Test("a demo load that fails part-way leaves nothing behind")
    func demoAllOrNothing() throws {
        try withPortalFixture { fixture in
            try fixture.customer("NW-20417", name: "Someone Else")
            #expect(refusal { _ = try DemoSeeder(portal: fixture.portal).load() } == .duplicateAccount)
            let customers = try fixture.connection.query("SELECT count(*) FROM portal.customers").single().decode(Int.self, at: 0)
            let members = try fixture.connection.query("SELECT count(*) FROM portal.team_members").single().decode(Int.self, at: 0)
            #expect(customers == 1 && members == 0)
        }
    }

    @Test("scale data loads whole, with working secrets, codes and mandatory customers")
    func scaleLoad() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            var plan = ScaleSeeder.Plan(customers: 40, membersPerCustomer: 25)
            plan.enrolledPerMille = 500
            var progress: [Int] = []
            let summary = try ScaleSeeder(connection: fixture.connection, secrets: PortalFixture.secrets).load(plan) { done, _ in
                progress.append(done)
            }
            #expect(summary.members == 1000 && summary.customers == 40 && summary.mandatoryCustomers == 4)
            #expect(summary.enrolled > 350 && summary.enrolled < 650 && summary.recoveryCodes == summary.enrolled * 10)
            #expect(progress.last == 1000)
            let counts = try fixture.connection.query("""
                SELECT (SELECT count(*) FROM portal.team_members), (SELECT count(*) FROM portal.totp_credentials WHERE state = 'active'),
                       (SELECT count(*) FROM portal.customers WHERE mandatory_2fa), (SELECT count(DISTINCT lower(email)) FROM portal.team_members)
                """).single()
            #expect(try counts.decode(Int.self, at: 0) == 1000 && counts.decode(Int.self, at: 1) == summary.enrolled)
            #expect(try counts.decode(Int.self, at: 2) == 4 && counts.decode(Int.self, at: 3) == 1000)
            let switchedByTheirAdministrator = try fixture.connection.query("""
                SELECT count(*) FROM portal.customers c JOIN portal.team_members m ON m.id = c.mandatory_2fa_by
                 WHERE c.mandatory_2fa AND m.customer_id = c.id AND m.role = 'administrator'
                """).single().decode(Int.self, at: 0)
            #expect(switchedByTheirAdministrator == 4)
            // Identity sequences continue after the loaded ids.
            let newID = try fixture.member("after@acme.example", name: "After Seed")
            #expect(newID == 1001)
            // A seeded member can sign in, and a seeded secret decrypts and verifies.
            let email = try fixture.connection.query(
                "SELECT m.email FROM portal.team_members m JOIN portal.totp_credentials t ON t.member_id = m.id ORDER BY m.id LIMIT 1"
            ).single().decode(String.self, at: 0)
            #expect(try fixture.portal.login(email: email, password: ScaleSeeder.password) == .codeRequired)
            // Loading again adds more, with fresh ids and account numbers.
            let again = try ScaleSeeder(connection: fixture.connection, secrets: PortalFixture.secrets)
                .load(ScaleSeeder.Plan(customers: 2, membersPerCustomer: 3))
            #expect(again.members == 6)
            #expect(throws: PortalRefusal.self) {
                try ScaleSeeder(connection: fixture.connection, secrets: PortalFixture.secrets).load(ScaleSeeder.Plan(customers: 0, membersPerCustomer: 3))
            }
        }
    }

    @Test("a large load sets secondary indexes aside and rebuilds exactly the same ones")
    func largeLoadRebuildsIndexes() throws {
        try withPortalFixture { fixture in
            let catalog = """
                SELECT string_agg(pg_get_indexdef(indexrelid), E'\\n' ORDER BY pg_get_indexdef(indexrelid))
                  FROM pg_index WHERE indrelid IN ('portal.customers'::regclass, 'portal.team_members'::regclass,
                                                   'portal.totp_credentials'::regclass, 'portal.recovery_codes'::regclass)
                """
            let before = try fixture.connection.query(catalog).single().decode(String.self, at: 0)
            var indexing = false
            let summary = try ScaleSeeder(connection: fixture.connection, secrets: PortalFixture.secrets)
                .load(ScaleSeeder.Plan(customers: 200, membersPerCustomer: 50), indexing: { indexing = true })
            #expect(summary.members == 10_000 && indexing)
            let after = try fixture.connection.query(catalog).single().decode(String.self, at: 0)
            #expect(before == after)
            #expect(before.contains("text_pattern_ops") && before.contains("lower(email)"))
            // The load's names are in the word index (filled once for the whole COPY).
            let indexed = try fixture.connection.query("SELECT count(DISTINCT member_id) FROM portal.member_words").single().decode(Int.self, at: 0)
            #expect(indexed == 10_000)
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            let anyone = try fixture.connection.query("SELECT email FROM portal.team_members ORDER BY id DESC LIMIT 1").single().decode(String.self, at: 0)
            #expect(try agent.find(anyone).first?.email == anyone)
        }
    }

    @Test("a large audit log is chained by the database's chainer and verifies, link by link")
    func auditLogLoad() throws {
        try withPortalFixture { fixture in
            _ = try ScaleSeeder(connection: fixture.connection, secrets: PortalFixture.secrets)
                .load(ScaleSeeder.Plan(customers: 20, membersPerCustomer: 10))
            var seen: [Int] = []
            let length = try AuditLogSeeder(connection: fixture.connection).load(events: 25_000) { done, _ in seen.append(done) }
            #expect(length == 25_000 && seen.first == 0 && seen.last == 25_000)
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.audit_staging").single().decode(Int.self, at: 0) == 0)
            let actions = try fixture.connection.query("SELECT count(DISTINCT action) FROM portal.audit_events").single().decode(Int.self, at: 0)
            #expect(actions >= 5)
            let supervisor = try fixture.agent("sam", supervisor: true)
            defer { supervisor.connection.close() }
            var verifier = AuditChainVerifier(head: try supervisor.chainHead())
            try supervisor.verifyChain(&verifier)
            #expect(try verifier.finish() == 25_000)
            #expect(try supervisor.auditLog(AuditLogFilter(limit: 10_000)).count == 10_000)
            // A second load extends the chain; it never rewrites it.
            #expect(try AuditLogSeeder(connection: fixture.connection).load(events: 10) == 25_010)
            #expect(refusal { _ = try AuditLogSeeder(connection: fixture.connection).load(events: 0) } == .invalidInput)
        }
    }
}
