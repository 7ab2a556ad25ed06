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

/// Dual control: which disables wait for a second approver, who may approve them, until when,
/// and what the log records.
@Suite("A second approver for the riskiest disables")
struct DualControlTests {
    static let reason = "caller lost phone, verified"

    @Test("the Swift ApprovalPolicy and the schema's list are the same, in the same order")
    func policiesMirrored() throws {
        try withPortalFixture { fixture in
            let names = try fixture.connection.query("SELECT unnest(portal.approval_policies())").rows.map { try $0.decode(String.self, at: 0) }
            #expect(names == ApprovalPolicy.allCases.map(\.rawValue))
            #expect(try fixture.connection.query("SELECT approval_required_for FROM portal.settings").single().decode(String.self, at: 0) == "overrides",
                    "overrides wait for a second approver by default")
            #expect(sqlState(fixture.connection, "UPDATE portal.settings SET approval_required_for = 'sometimes'") == "23514")
        }
    }

    /// Found by a hostile review: the supervisor whose override the member disputed (as its
    /// requester, or its approver) could sign the dispute off. Neither may; a third may.
    @Test("neither the requester nor the approver of a disputed override may review the dispute")
    func disputeReviewedByNoParty() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let first = try fixture.agent("first", supervisor: true)
            let second = try fixture.agent("second", supervisor: true)
            let third = try fixture.agent("third", supervisor: true)
            defer { first.connection.close(); second.connection.close(); third.connection.close() }
            let request = try first.overrideDisable(memberID: jane.memberID, reason: "no codes left, video check", ticket: "SUP-11", requestID: UUID())
            _ = try second.approveDisable(request: request.seq, note: nil)
            let notice = try #require(try fixture.outbox(kind: "2fa_disabled_override").first { $0.recipient == jane.email })
            let dispute = try fixture.portal.confirmDispute(try #require(fixture.disputeToken(in: notice.body)))
            #expect(refusal { _ = try first.review(item: dispute, verdict: .approved, note: nil) } == .ownReview)
            #expect(refusal { _ = try second.review(item: dispute, verdict: .approved, note: nil) } == .ownReview)
            _ = try third.review(item: dispute, verdict: .concern, note: "override disputed by the member, looking into it")
        }
    }

    @Test("each policy level holds the disables it names, and only those; nobody changes nothing")
    func policyLevels() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)  // the second channel is tested on its own (SecondChannelTests)
            let kim = try fixture.agent("kim")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { kim.connection.close(); boss.connection.close() }
            var serial = 0
            /// Disables a fresh member (an administrator or not) under a policy; returns the action recorded.
            func outcome(_ policy: ApprovalPolicy, administrator: Bool, override: Bool) throws -> AuditAction {
                serial += 1
                try fixture.setApprovalPolicy(policy)
                let member = try fixture.enrolledMember("m\(serial)@acme.example", name: "M \(serial)", role: administrator ? .administrator : .member)
                if override {
                    return try boss.overrideDisable(memberID: member.memberID, reason: Self.reason, ticket: "SUP-\(serial)", requestID: UUID()).action
                }
                _ = try kim.verify(memberID: member.memberID, code: member.recoveryCodes[0].grouped)
                return try kim.disable(memberID: member.memberID, reason: Self.reason, ticket: "SUP-\(serial)", requestID: UUID()).action
            }
            let held = AuditAction.disableRequested
            for (policy, expected) in [
                (ApprovalPolicy.nobody, [false, false, false]),
                (.overrides, [false, false, true]),
                (.administrators, [false, true, true]),
                (.everyone, [true, true, true]),
            ] {
                let actions = [try outcome(policy, administrator: false, override: false),
                               try outcome(policy, administrator: true, override: false),
                               try outcome(policy, administrator: false, override: true)]
                #expect(actions.map { $0 == held } == expected, "\(policy): \(actions)")
            }
            // A held disable changed nothing yet: the member's 2FA is on.
            let pending = try boss.disableRequests(all: false)
            #expect(pending.count == 6 && pending.allSatisfy { $0.state == .pending })
            let twoFactor = try fixture.connection.query(
                "SELECT count(*) FROM portal.totp_credentials WHERE member_id IN (SELECT member_id FROM portal.disable_requests)").single()
            #expect(try twoFactor.decode(Int.self, at: 0) == 6)
        }
    }

    @Test("another supervisor approves within the window; the requester, an agent and a second approval cannot")
    func approval() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)  // the second channel is tested on its own (SecondChannelTests)
            try fixture.setApprovalPolicy(.everyone)
            let jane = try fixture.enrolledMember("jane@acme.example", role: .administrator)
            let kim = try fixture.agent("kim")
            let lee = try fixture.agent("lee")
            let boss = try fixture.agent("boss", supervisor: true)
            let other = try fixture.agent("other", supervisor: true)
            defer { [kim, lee, boss, other].forEach { $0.connection.close() } }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let requestID = UUID()
            let request = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: requestID)
            #expect(request.action == .disableRequested && request.actor == kim.connection.user)
            #expect(try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: requestID).seq == request.seq,
                    "a retried request id is the same request")
            #expect(try kim.lookupRequest(requestID)?.action == .disableRequested)
            // The agent sees their own request; another agent does not.
            #expect(try kim.disableRequests(all: false).map(\.request) == [request.seq])
            #expect(try lee.disableRequests(all: false).isEmpty)
            #expect(refusal { _ = try kim.approveDisable(request: request.seq, note: nil) } == .notASupervisor)
            #expect(refusal { _ = try lee.approveDisable(request: request.seq, note: nil) } == .notASupervisor)
            #expect(refusal { _ = try boss.approveDisable(request: request.seq + 1000, note: nil) } == .noSuchRequest)

            // A supervisor's own request needs another supervisor.
            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Roe")
            let own = try boss.overrideDisable(memberID: bob.memberID, reason: Self.reason, ticket: "SUP-2", requestID: UUID())
            #expect(refusal { _ = try boss.approveDisable(request: own.seq, note: nil) } == .ownReview)

            let disable = try boss.approveDisable(request: request.seq, note: "called the customer back")
            #expect(disable.action == .twoFactorDisabledSupport && disable.actor == kim.connection.user && disable.target == jane.email)
            #expect(try boss.detail(memberID: jane.memberID).twoFactor == .off)
            #expect(refusal { _ = try other.approveDisable(request: request.seq, note: nil) } == .requestDecided)
            #expect(refusal { _ = try other.rejectDisable(request: request.seq, note: "too late for this one") } == .requestDecided)
            let decided = try kim.disableRequests(all: true).first { $0.request == request.seq }
            #expect(decided?.state == .approved && decided?.decidedBy == boss.connection.user && decided?.disableEvent == disable.seq)

            // The log: requested by kim, approved by boss, then the disable in kim's name.
            try fixture.chainAuditEvents()
            var filter = AuditLogFilter(limit: 10)
            filter.email = jane.email
            let log = try boss.auditLog(filter).filter { $0.seq >= request.seq }
            #expect(Array(log.map(\.action).reversed()) == [.disableRequested, .disableApproved, .twoFactorDisabledSupport])
            #expect(Array(log.reversed().map(\.actor)) == [kim.connection.user, boss.connection.user, kim.connection.user])
        }
    }

    @Test("a request expires after the window; a rejection ends it; the match stays used either way")
    func expiryAndRejection() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)  // the second channel is tested on its own (SecondChannelTests)
            try fixture.setApprovalPolicy(.everyone)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { kim.connection.close(); boss.connection.close() }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let first = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID()) } == .notVerified,
                    "the match was consumed by the request")
            // 29 minutes later it can still be approved, 31 minutes later not (the clock is the row's).
            try fixture.connection.query("UPDATE portal.disable_requests SET requested_at = requested_at - interval '31 minutes'")
            #expect(refusal { _ = try boss.approveDisable(request: first.seq, note: nil) } == .requestExpired)
            #expect(try kim.disableRequests(all: true).first?.state == .expired)
            #expect(try kim.disableRequests(all: false).isEmpty)
            #expect(try boss.detail(memberID: jane.memberID).twoFactor == .active)

            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[1].grouped)
            let second = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-2", requestID: UUID())
            try fixture.connection.query("UPDATE portal.disable_requests SET requested_at = requested_at - interval '29 minutes' WHERE request_event_id = $1", [second.seq])
            #expect(refusal { _ = try boss.rejectDisable(request: second.seq, note: "") } == .reasonRequired)
            let rejected = try boss.rejectDisable(request: second.seq, note: "caller failed the callback check")
            #expect(rejected.action == .disableRejected && rejected.actor == boss.connection.user)
            #expect(refusal { _ = try boss.approveDisable(request: second.seq, note: nil) } == .requestDecided)
            #expect(try boss.detail(memberID: jane.memberID).twoFactor == .active)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-3", requestID: UUID()) } == .notVerified)
        }
    }

    @Test("a member who enrolls again is not disabled by a request made for the old credential")
    func reEnrolled() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)  // the second channel is tested on its own (SecondChannelTests)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let boss = try fixture.agent("boss", supervisor: true)
            let other = try fixture.agent("other", supervisor: true)
            defer { boss.connection.close(); other.connection.close() }
            let request = try boss.overrideDisable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            // The member's own steps, each a time step later (a code is good once).
            let now = Int64(Date().timeIntervalSince1970)
            func portal(at offset: Int64) -> PortalAPI {
                PortalAPI(connection: fixture.connection, secrets: PortalFixture.secrets, clock: FixedOTPClock(unixTime: now + offset))
            }
            try portal(at: 30).disableTwoFactor(email: jane.email, code: try jane.totp.code(at: now + 30))
            #expect(refusal { _ = try other.approveDisable(request: request.seq, note: nil) } == .notEnrolled)
            let uri = try portal(at: 60).beginEnrolment(email: jane.email)
            _ = try portal(at: 60).confirmEnrolment(email: jane.email, code: try uri.makeTOTP()!.code(at: now + 60))
            #expect(refusal { _ = try other.approveDisable(request: request.seq, note: nil) } == .requestExpired)
        }
    }

    @Test("two supervisors approving one request at once: one disable, the other told it is decided")
    func concurrentApprovers() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)  // the second channel is tested on its own (SecondChannelTests)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { boss.connection.close() }
            let request = try boss.overrideDisable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            let roles = try (0..<6).map { _ in try fixture.agentRole("approver", supervisor: true) }
            let uris = roles.map { fixture.database.uri(user: $0) }
            let results = concurrently(6) { index in
                let connection = try PGConnection(uris[index])
                defer { connection.close() }
                return try SupportAPI(connection: connection).approveDisable(request: request.seq, note: nil)
            }
            let done = results.compactMap { try? $0.get() }
            #expect(done.count == 1 && done.first?.action == .twoFactorDisabledOverride)
            let refusals = results.compactMap { result -> PortalRefusal.Code? in
                guard case .failure(let error) = result, let pg = error as? PGError else { return nil }
                return PortalRefusal(pg)?.code
            }
            #expect(refusals.count == 5 && refusals.allSatisfy { $0 == .requestDecided || $0 == .busy || $0 == .notEnrolled }, "\(refusals)")
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.all_events WHERE action = '2fa_disabled_override'").single().decode(Int.self, at: 0) == 1)
        }
    }

    @Test("an agent with psql can neither approve their own request nor write the requests table")
    func hostileRequester() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.setSecondChannel(.nobody)  // the second channel is tested on its own (SecondChannelTests)
            try fixture.setApprovalPolicy(.everyone)
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kimRole = try fixture.agentRole("kim")
            let kim = try fixture.connect(as: kimRole)
            defer { kim.connection.close() }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let request = try kim.disable(memberID: jane.memberID, reason: Self.reason, ticket: "SUP-1", requestID: UUID())
            let psql = try HostileSession(fixture, role: kimRole)
            defer { psql.connection.close() }
            #expect(psql.refusal("SELECT support.approve_disable(\(request.seq))") == "DK002")
            #expect(psql.refusal("SET ROLE support_supervisor; SELECT support.approve_disable(\(request.seq))") != nil)
            #expect(psql.refusal("UPDATE portal.disable_requests SET decision = 'approved'") == "42501")
            #expect(psql.refusal("SELECT portal.carry_out_request(m, r) FROM portal.team_members m, portal.disable_requests r") == "42501")
            #expect(psql.refusal("SELECT portal.append_event_as('boss', '2fa_disabled_support', 'x', 'x', 'x', NULL, NULL)") == "42501")
            #expect(psql.refusal("UPDATE portal.settings SET approval_required_for = 'nobody'") == "42501")
            // A supervisor who requested it, with psql, is refused the same way as the console.
            let bossRole = try fixture.agentRole("boss", supervisor: true)
            let boss = try HostileSession(fixture, role: bossRole)
            defer { boss.connection.close() }
            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Roe")
            try boss.connection.query("SELECT support.override_disable_2fa($1::bigint, 'identity checked by video', 'SUP-2', gen_random_uuid())", [bob.memberID])
            let own = try fixture.connection.query("SELECT max(request_event_id) FROM portal.disable_requests").single().decode(Int64.self, at: 0)
            #expect(boss.refusal("SELECT support.approve_disable(\(own))") == "DK201")
            #expect(boss.refusal("SET ROLE support_supervisor; SELECT support.approve_disable(\(own))") == "DK201", "SET ROLE does not change session_user")
        }
    }
}
