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

/// The review queue: what enters it, each flag the database computes (with times controlled by
/// staging events at chosen moments), the order, and the sign-off rules.
@Suite("The review queue")
struct ReviewQueueTests {
    static let reason = "caller lost phone, verified"

    /// Stages an event at a chosen time, as the superuser (the test's clock): what a call would
    /// have staged then.
    @discardableResult
    static func stage(_ fixture: PortalFixture, actor: String, action: AuditAction, memberID: Int64?, at time: String) throws -> Int64 {
        try fixture.connection.query("""
            INSERT INTO portal.audit_staging (occurred_at, actor, action, target, reason, ticket, customer_id, member_id, account_number)
            SELECT $1::timestamptz, $2, $3, coalesce(m.email, $2), 'staged by the test', 'SUP-1', m.customer_id, m.id, c.account_number
              FROM (SELECT $4::bigint AS id) x
              LEFT JOIN portal.team_members m ON m.id = x.id LEFT JOIN portal.customers c ON c.id = m.customer_id
            RETURNING event_id
            """, [time, actor, action.rawValue, memberID]).single().decode(Int64.self, at: 0)
    }

    /// The flags of one item, by name.
    static func flags(_ api: SupportAPI, _ item: Int64) throws -> Set<ReviewFlag> {
        var filter = ReviewFilter(all: true, limit: 10000)
        filter.limit = 10000
        return Set(try #require(try api.reviewQueue(filter).first { $0.item == item }).flags.map(\.flag))
    }

    @Test("the Swift ReviewFlag and the schema's flags are the same, in the same order")
    func flagsMirrored() throws {
        try withPortalFixture { fixture in
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            #expect(try boss.reviewFlagKinds().map(\.name) == ReviewFlag.names)
            let weights = try boss.reviewFlagKinds().map(\.weight)
            #expect(weights == weights.sorted(by: >), "heaviest first")
        }
    }

    @Test("disables, overrides, unlocks and disputes enter the queue; nothing else does")
    func whatEnters() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setApprovalPolicy(.nobody)
            try fixture.setSecondChannel(.nobody)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Roe")
            let kim = try fixture.agent("kim")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { kim.connection.close(); boss.connection.close() }
            for _ in 0..<5 { _ = try kim.verify(memberID: bob.memberID, code: RecoveryCode.generate().grouped) }
            let unlock = try boss.clearLockout(memberID: bob.memberID, reason: "caller confirmed by video call")
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let disable = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            let override = try boss.overrideDisable(memberID: bob.memberID, reason: Self.reason, ticket: "SUP-2", requestID: UUID())
            let dispute = try Self.stage(fixture, actor: "portal", action: .twoFactorDisputed, memberID: jane.memberID, at: "now")
            try fixture.chainAuditEvents()
            let queue = try boss.reviewQueue(ReviewFilter())
            #expect(Set(queue.map(\.item)) == [unlock.seq, disable.seq, override.seq, dispute])
            #expect(queue.allSatisfy { $0.signOff == nil })
            #expect(refusal { _ = try kim.reviewQueue(ReviewFilter()) } == .notASupervisor)
            let verified = try fixture.connection.query("SELECT max(event_id) FROM portal.all_events WHERE action = 'recovery_verified'").single().decode(Int64.self, at: 0)
            #expect(refusal { _ = try boss.review(item: verified, verdict: .approved, note: nil) } == .notReviewable)
            #expect(refusal { _ = try boss.review(item: 999_999, verdict: .approved, note: nil) } == .notReviewable)
            // The dispute flags the disable it disputes, and itself.
            #expect(try Self.flags(boss, disable.seq).contains(.disputed))
            #expect(try Self.flags(boss, dispute).contains(.disputed))
            #expect(try Self.flags(boss, override.seq).contains(.override))
            #expect(try !Self.flags(boss, disable.seq).contains(.override))
            // A dispute and the disable it disputes come first, above an override of an
            // administrator-free member (issue 12: the dispute at the top of the review).
            #expect(Set(queue.prefix(2).map(\.item)) == [disable.seq, dispute], "\(queue.map { ($0.item, $0.score) })")
        }
    }

    @Test("administrator, several agents and mismatches first, from real code checks")
    func memberFlags() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setApprovalPolicy(.nobody)
            try fixture.setSecondChannel(.nobody)
            let ada = try fixture.enrolledMember("ada@acme.example", name: "Ada Admin", role: .administrator)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let lee = try fixture.agent("lee")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { [kim, lee, boss].forEach { $0.connection.close() } }
            _ = try lee.verify(memberID: ada.memberID, code: RecoveryCode.generate().grouped)
            _ = try kim.verify(memberID: ada.memberID, code: RecoveryCode.generate().grouped)
            _ = try kim.verify(memberID: ada.memberID, code: ada.recoveryCodes[0].grouped)
            let risky = try kim.disable(memberID: ada.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let plain = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-2", requestID: UUID())
            let riskyFlags = try Self.flags(boss, risky.seq)
            #expect(riskyFlags.isSuperset(of: [.administrator, .severalAgents, .mismatchesFirst]), "\(riskyFlags)")
            let plainFlags = try Self.flags(boss, plain.seq)
            #expect(plainFlags.isDisjoint(with: [.administrator, .severalAgents, .mismatchesFirst, .override, .disputed, .newAddress, .busyAgent]),
                    "\(plainFlags)")
            let item = try #require(try boss.reviewQueue(ReviewFilter()).first { $0.item == risky.seq })
            let words = item.flags.first { $0.flag == .mismatchesFirst }?.why ?? ""
            #expect(words.contains("2 wrong codes") && words.contains(ada.email), "\(words)")
            // Riskiest first.
            let order = try boss.reviewQueue(ReviewFilter()).map(\.item)
            #expect(order.firstIndex(of: risky.seq)! < order.firstIndex(of: plain.seq)!)
        }
    }

    @Test("after hours follows the working hours, days and time zone in the settings")
    func afterHours() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.member("jane@acme.example")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            // 2026-11-25 is a Wednesday, 2026-11-28 a Saturday.
            let morning = try Self.stage(fixture, actor: "kim", action: .lockCleared, memberID: jane, at: "2026-11-25 10:00Z")
            let night = try Self.stage(fixture, actor: "kim", action: .lockCleared, memberID: jane, at: "2026-11-25 03:00Z")
            let saturday = try Self.stage(fixture, actor: "kim", action: .lockCleared, memberID: jane, at: "2026-11-28 10:00Z")
            let newYorkEarly = try Self.stage(fixture, actor: "kim", action: .lockCleared, memberID: jane, at: "2026-11-25 12:30Z")
            #expect(try !Self.flags(boss, morning).contains(.afterHours))
            #expect(try Self.flags(boss, night).contains(.afterHours))
            #expect(try Self.flags(boss, saturday).contains(.afterHours))
            #expect(try !Self.flags(boss, newYorkEarly).contains(.afterHours))
            try fixture.connection.query("UPDATE portal.settings SET working_time_zone = 'America/New_York'")
            #expect(try Self.flags(boss, newYorkEarly).contains(.afterHours), "07:30 in New York")
            #expect(try Self.flags(boss, saturday).contains(.afterHours), "05:00 on a Saturday in New York")
            try fixture.connection.query("UPDATE portal.settings SET working_time_zone = 'UTC', working_days = '{1,2,3,4,5,6,7}', working_hours_start = '02:00'")
            #expect(try !Self.flags(boss, saturday).contains(.afterHours))
            #expect(try !Self.flags(boss, night).contains(.afterHours))
            #expect(sqlState(fixture.connection, "UPDATE portal.settings SET working_time_zone = 'Mars/Olympus'") != "ok")
            #expect(sqlState(fixture.connection, "UPDATE portal.settings SET working_hours_end = '01:00'") == "23514")
        }
    }

    @Test("an agent's day well above their own 30-day daily median is flagged")
    func busyAgent() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.member("jane@acme.example")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            // kim: one disable a day on 20 of the 30 days before 2026-11-25 (median 1).
            for day in 1...20 {
                try Self.stage(fixture, actor: "kim", action: .twoFactorDisabledSupport, memberID: jane, at: "2026-11-\(25 - day) 10:00Z")
            }
            var busy: [Int64] = []
            for hour in 10...13 {
                busy.append(try Self.stage(fixture, actor: "kim", action: .twoFactorDisabledSupport, memberID: jane, at: "2026-11-25 \(hour):00Z"))
            }
            // lee: two on a day with no history: under the minimum of three.
            let quiet = try Self.stage(fixture, actor: "lee", action: .twoFactorDisabledSupport, memberID: jane, at: "2026-11-25 10:00Z")
            try Self.stage(fixture, actor: "lee", action: .twoFactorDisabledSupport, memberID: jane, at: "2026-11-25 11:00Z")
            #expect(try Self.flags(boss, busy[0]).contains(.busyAgent), "4 that day against a median of 1")
            #expect(try !Self.flags(boss, quiet).contains(.busyAgent))
            let why = try boss.reviewQueue(ReviewFilter(limit: 1000)).first { $0.item == busy[0] }?.flags.first { $0.flag == .busyAgent }?.why
            #expect(why == "kim made 4 disables that day; their daily median over the 30 days before is 1")
            // With a usual day of 2, four is not "well above" (factor 2).
            for day in 1...20 {
                try Self.stage(fixture, actor: "kim", action: .twoFactorDisabledOverride, memberID: jane, at: "2026-11-\(25 - day) 15:00Z")
            }
            #expect(try !Self.flags(boss, busy[0]).contains(.busyAgent))
        }
    }

    @Test("a sign-in from a new address within 12 hours after, and a failed notification, are flagged")
    func afterTheFact() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.member("jane@acme.example")
            let bob = try fixture.member("bob@acme.example", name: "Bob Roe")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            let disable = try Self.stage(fixture, actor: "kim", action: .twoFactorDisabledSupport, memberID: jane, at: "2026-11-25 10:00Z")
            let other = try Self.stage(fixture, actor: "kim", action: .twoFactorDisabledSupport, memberID: bob, at: "2026-11-25 10:00Z")
            func signIn(_ member: Int64, _ time: String, _ address: String) throws {
                try fixture.connection.query("INSERT INTO portal.sign_ins (member_id, signed_in_at, method, client_address) VALUES ($1, $2::timestamptz, 'password', $3::inet)",
                                             [member, time, address])
            }
            try signIn(jane, "2026-11-20 09:00Z", "192.0.2.1")
            try signIn(jane, "2026-11-25 11:00Z", "192.0.2.1")    // known address
            try signIn(bob, "2026-11-25 23:00Z", "198.51.100.7")  // new, but 13 hours after
            #expect(try !Self.flags(boss, disable).contains(.newAddress))
            #expect(try !Self.flags(boss, other).contains(.newAddress))
            try signIn(jane, "2026-11-25 21:30Z", "203.0.113.9")  // new, 11.5 hours after
            #expect(try Self.flags(boss, disable).contains(.newAddress))

            #expect(try !Self.flags(boss, disable).contains(.notificationFailed))
            try fixture.connection.query("SELECT portal.enqueue_notification($1, '2fa_disabled_support', $2, 'jane@acme.example', 'member', 'Your 2FA was turned off', 'body')",
                                         [disable, jane])
            #expect(try !Self.flags(boss, disable).contains(.notificationFailed), "pending is not failed")
            try fixture.connection.query("UPDATE portal.notifications SET state = 'failed', attempts = 8")
            #expect(try Self.flags(boss, disable).contains(.notificationFailed))
        }
    }

    @Test("sign-off: approve or concern (with a note), once, never one's own action; --all shows who")
    func signOff() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Roe")
            let kim = try fixture.agent("kim")
            let boss = try fixture.agent("boss", supervisor: true)
            let other = try fixture.agent("other", supervisor: true)
            let third = try fixture.agent("third", supervisor: true)
            defer { [kim, boss, other, third].forEach { $0.connection.close() } }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let disable = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            // An override under dual control: boss requested it, other approved it.
            let request = try boss.overrideDisable(memberID: bob.memberID, reason: Self.reason, ticket: "SUP-2", requestID: UUID())
            let override = try other.approveDisable(request: request.seq, note: nil)
            #expect(try boss.reviewQueue(ReviewFilter()).first { $0.item == override.seq }?.approvedBy == other.connection.user)

            #expect(refusal { _ = try kim.review(item: disable.seq, verdict: .approved, note: nil) } == .notASupervisor)
            #expect(refusal { _ = try boss.review(item: override.seq, verdict: .approved, note: nil) } == .ownReview, "the requester")
            #expect(refusal { _ = try other.review(item: override.seq, verdict: .approved, note: nil) } == .ownReview, "the approver")
            #expect(refusal { _ = try boss.review(item: disable.seq, verdict: .concern, note: nil) } == .noteRequired)
            #expect(refusal { _ = try boss.review(item: disable.seq, verdict: .concern, note: " ") } == .noteRequired)
            #expect(refusal { _ = try boss.review(item: disable.seq, verdict: .concern, note: "short") } == .reasonRequired)
            let concern = try third.review(item: override.seq, verdict: .concern, note: "no video recording attached")
            #expect(concern.action == .reviewConcern && concern.target == "#\(override.seq)" && concern.actor == third.connection.user)
            let approval = try boss.review(item: disable.seq, verdict: .approved, note: nil)
            #expect(approval.action == .reviewApproved)
            #expect(refusal { _ = try other.review(item: disable.seq, verdict: .approved, note: nil) } == .alreadyReviewed)
            #expect(try boss.reviewQueue(ReviewFilter()).isEmpty, "nothing pending")
            let all = try boss.reviewQueue(ReviewFilter(all: true))
            #expect(all.map(\.item) == [override.seq, disable.seq], "newest first")
            #expect(all[0].signOff?.verdict == .concern && all[0].signOff?.reviewer == third.connection.user
                    && all[0].signOff?.note == "no video recording attached" && all[0].signOff?.eventSeq == concern.seq)
            #expect(all[1].signOff?.verdict == .approved && all[1].signOff?.reviewer == boss.connection.user)
            var byAgent = ReviewFilter(all: true)
            byAgent.agent = kim.connection.user
            #expect(try boss.reviewQueue(byAgent).map(\.item) == [disable.seq])
            // The sign-offs are chained: the log verifies over them.
            try fixture.chainAuditEvents()
            var verifier = AuditChainVerifier(head: try boss.chainHead(), anchor: nil)
            try boss.verifyChain(&verifier)
            #expect(try verifier.finish() >= 6)
            // Insert-only, even for the owner.
            #expect(sqlState(fixture.connection, "UPDATE portal.reviews SET verdict = 'approved'") == "DK011")
            #expect(sqlState(fixture.connection, "DELETE FROM portal.reviews") == "DK011")
        }
    }

    @Test("two supervisors signing one item off at once: one sign-off, the other told it is done")
    func concurrentReviewers() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.member("jane@acme.example")
            let item = try Self.stage(fixture, actor: "kim", action: .twoFactorDisabledSupport, memberID: jane, at: "now")
            let roles = try (0..<6).map { _ in try fixture.agentRole("reviewer", supervisor: true) }
            let uris = roles.map { fixture.database.uri(user: $0) }
            let results = concurrently(6) { index in
                let connection = try PGConnection(uris[index])
                defer { connection.close() }
                return try SupportAPI(connection: connection).review(item: item, verdict: .approved, note: nil)
            }
            #expect(results.compactMap { try? $0.get() }.count == 1)
            let refusals = results.compactMap { result -> PortalRefusal.Code? in
                guard case .failure(let error) = result, let pg = error as? PGError else { return nil }
                return PortalRefusal(pg)?.code
            }
            #expect(refusals == Array(repeating: .alreadyReviewed, count: 5))
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.all_events WHERE action = 'review_approved'").single().decode(Int.self, at: 0) == 1)
        }
    }

    @Test("an agent with psql can neither review, nor read the queue, nor forge or clear a flag")
    func hostile() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.member("jane@acme.example")
            let kimRole = try fixture.agentRole("kim")
            let item = try Self.stage(fixture, actor: kimRole, action: .twoFactorDisabledOverride, memberID: jane, at: "now")
            let psql = try HostileSession(fixture, role: kimRole)
            defer { psql.connection.close() }
            #expect(psql.refusal("SELECT support.review_item(\(item), 'approved')") == "DK002")
            #expect(psql.refusal("SELECT * FROM support.review_queue()") == "DK002")
            #expect(psql.refusal("INSERT INTO portal.reviews VALUES (\(item), 'approved', 'boss', NULL, now(), 1)") == "42501")
            #expect(psql.refusal("SELECT portal.item_parties(\(item), 'x')") == "42501")
            #expect(psql.refusal("UPDATE portal.settings SET working_days = '{1,2,3,4,5,6,7}'") == "42501")
            #expect(psql.refusal("UPDATE portal.notifications SET state = 'sent'") == "42501")
            // A supervisor cannot review their own action through SQL either, whatever role they set.
            let bossRole = try fixture.agentRole("boss", supervisor: true)
            let own = try Self.stage(fixture, actor: bossRole, action: .lockCleared, memberID: jane, at: "now")
            let boss = try HostileSession(fixture, role: bossRole)
            defer { boss.connection.close() }
            #expect(boss.refusal("SET ROLE support_supervisor; SELECT support.review_item(\(own), 'approved')") == "DK201")
            #expect(boss.refusal("SELECT support.review_item(\(own), 'maybe')") == "DK010")
        }
    }
}
