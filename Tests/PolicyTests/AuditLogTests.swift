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

@Suite("The audit log")
struct AuditLogTests {
    /// A few events of several kinds, by two agents.
    static func history(_ fixture: PortalFixture) throws -> (kim: SupportAPI, boss: SupportAPI, jane: EnrolledMember) {
        try fixture.customer()
        try fixture.customer("XY-20001", name: "Zeta \u{202E}Networks")
        let jane = try fixture.enrolledMember("jane@acme.example", role: .administrator)
        // Jane is an administrator; this is not a test of the second channel (SecondChannelTests).
        try fixture.setSecondChannel(.nobody)
        let zed = try fixture.enrolledMember("zed@zeta.example", account: "XY-20001", name: "Zed")
        let kim = try fixture.agent("kim")
        let boss = try fixture.agent("boss", supervisor: true)
        _ = try kim.verify(memberID: jane.memberID, code: RecoveryCode.generate().grouped)
        _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
        _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone — ticket ✓", ticket: "SUP-1", requestID: UUID())
        try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: jane.email, on: true)
        try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
        _ = try boss.overrideDisable(memberID: zed.memberID, reason: "no codes left; video check", ticket: "SUP-2", requestID: UUID())
        try fixture.chainAuditEvents()
        return (kim, boss, jane)
    }

    @Test("the chain recomputed in Swift matches the database's, link by link and at the head")
    func chainMatches() throws {
        try withPortalFixture { fixture in
            let (kim, boss, _) = try Self.history(fixture)
            defer { kim.connection.close(); boss.connection.close() }
            let head = try boss.chainHead()
            #expect(head.seq == 7)
            var verifier = AuditChainVerifier(head: head)
            var links: [AuditChainLink] = []
            try boss.forEachChainLink { link in
                try verifier.check(link)
                links.append(link)
            }
            #expect(try verifier.finish() == 7)
            // The database's own encoding is byte for byte the Swift one.
            for link in links {
                let sql = try fixture.connection.query(
                    "SELECT portal.audit_encoding_v2(seq, event_id, actor, action, target, reason, ticket, account_number, occurred_at, customer_id, member_id, request_id) FROM portal.audit_events WHERE seq = $1::bigint",
                    [link.seq]).single().decode([UInt8].self, at: 0)
                #expect(sql == link.encoding)
            }
            let anchor = try AuditAnchor(text: head.description)
            #expect(anchor == head)
            var anchored = AuditChainVerifier(head: head, anchor: anchor)
            try boss.forEachChainLink { try anchored.check($0) }
            #expect(try anchored.finish() == 7)
            var inPlace = AuditChainVerifier(head: head, anchor: anchor)
            try boss.verifyChain(&inPlace)
            #expect(try inPlace.finish() == 7)
            var later = AuditChainVerifier(head: head, anchor: anchor)
            #expect(throws: AuditChainProblem.gap(expected: 1, found: 5)) { try boss.verifyChain(&later, after: 4) }
        }
    }

    @Test("an altered event is caught, and a consistent rewrite is caught by a saved anchor")
    func tamperingDetected() throws {
        try withPortalFixture { fixture in
            let (kim, boss, _) = try Self.history(fixture)
            defer { kim.connection.close(); boss.connection.close() }
            let anchor = try boss.chainHead()
            // A superuser edits event 3's reason behind the triggers' back.
            try fixture.connection.executeScript("""
                ALTER TABLE portal.audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE portal.audit_events SET reason = 'nothing to see' WHERE seq = 3;
                """)
            #expect(throws: AuditChainProblem.wrongHash(seq: 3)) { try verify(boss, anchor: nil) }
            // Now they recompute every hash from there on, so the chain is consistent again.
            try fixture.connection.executeScript("""
                DO $$
                DECLARE e record; previous bytea;
                BEGIN
                    SELECT hash INTO previous FROM portal.audit_events WHERE seq = 2;
                    FOR e IN SELECT * FROM portal.audit_events WHERE seq >= 3 ORDER BY seq LOOP
                        UPDATE portal.audit_events SET prev_hash = sha256(convert_to('p' || e.seq, 'UTF8')), hash = sha256(convert_to('h' || e.seq, 'UTF8')) WHERE seq = e.seq;
                    END LOOP;
                    FOR e IN SELECT * FROM portal.audit_events WHERE seq >= 3 ORDER BY seq LOOP
                        UPDATE portal.audit_events
                           SET prev_hash = previous,
                               hash = sha256(previous || portal.audit_encoding_v2(e.seq, e.event_id, e.actor, e.action, e.target, e.reason, e.ticket, e.account_number, e.occurred_at, e.customer_id, e.member_id, e.request_id))
                         WHERE seq = e.seq RETURNING hash INTO previous;
                    END LOOP;
                    UPDATE portal.audit_chain_head SET hash = previous;
                END $$;
                """)
            try verify(boss, anchor: nil)
            #expect(throws: AuditChainProblem.anchorMismatch(seq: anchor.seq)) { try verify(boss, anchor: anchor) }
            // Deleting the newest events is caught by the anchor too.
            try fixture.connection.executeScript("""
                DELETE FROM portal.audit_events WHERE seq >= 6;
                UPDATE portal.audit_chain_head SET seq = 5, hash = (SELECT hash FROM portal.audit_events WHERE seq = 5);
                """)
            #expect(throws: AuditChainProblem.anchorMissing(seq: 7, last: 5)) { try verify(boss, anchor: anchor) }
        }
    }

    /// Verifies both ways, link by link and in place as `log verify` does, and requires the same
    /// outcome (the same problem, or the same count).
    func verify(_ api: SupportAPI, anchor: AuditAnchor?) throws {
        func outcome(_ run: (inout AuditChainVerifier) throws -> Void) throws -> Result<Int64, AuditChainProblem> {
            var verifier = AuditChainVerifier(head: try api.chainHead(), anchor: anchor)
            do {
                try run(&verifier)
                return .success(try verifier.finish())
            } catch let problem as AuditChainProblem {
                return .failure(problem)
            }
        }
        let links = try outcome { verifier in try api.forEachChainLink { try verifier.check($0) } }
        let inPlace = try outcome { verifier in try api.verifyChain(&verifier) }
        #expect(links == inPlace)
        _ = try inPlace.get()
    }

    @Test("neither the owner nor a superuser can update, delete or truncate audit rows")
    func appendOnly() throws {
        try withPortalFixture { fixture in
            let (kim, boss, _) = try Self.history(fixture)
            kim.connection.close(); boss.connection.close()
            for prefix in ["SET ROLE supportdesk_owner; ", "", "SET session_replication_role = replica; "] {
                for statement in ["UPDATE portal.audit_events SET reason = 'x'", "DELETE FROM portal.audit_events",
                                  "TRUNCATE portal.audit_events CASCADE"] {
                    do {
                        try fixture.connection.executeScript("BEGIN; \(prefix)\(statement); COMMIT;")
                        Issue.record("\(prefix)\(statement) was allowed")
                    } catch let error as PGError {
                        #expect(error.sqlState?.rawValue == "DK011", "\(prefix)\(statement): \(error.message)")
                    }
                    _ = try? fixture.connection.query("ROLLBACK")
                    try fixture.connection.query("RESET ROLE")
                    try fixture.connection.query("RESET session_replication_role")
                }
            }
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.audit_events").single().decode(Int.self, at: 0) == 7)
        }
    }

    @Test("SET ROLE does not change the recorded actor")
    func actorIsSessionUser() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            let role = try kim.whoami().agent
            try kim.connection.query("SET ROLE support_agent")
            #expect(try kim.whoami().agent == role)
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            try fixture.chainAuditEvents()
            let actor = try fixture.connection.query(
                "SELECT actor FROM portal.audit_events WHERE action = 'recovery_verified'").single().decode(String.self, at: 0)
            let checked = try fixture.connection.query("SELECT agent FROM portal.recovery_checks").single().decode(String.self, at: 0)
            #expect(actor == role && checked == role)
        }
    }

    @Test("an event the portal records names the member who acted, not the portal's database role")
    func portalEventsNameTheMember() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            _ = try fixture.member("max@acme.example", role: .administrator)
            #expect(try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: "max@acme.example", on: true))
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            let role = try kim.whoami().agent
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            try fixture.chainAuditEvents()
            let actors = try fixture.connection.query("SELECT action, actor FROM portal.audit_events ORDER BY seq").rows.map {
                (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1))
            }
            #expect(actors.first { $0.0 == "2fa_enabled" }?.1 == jane.email)
            #expect(actors.first { $0.0 == "mandatory_on" }?.1 == "max@acme.example")
            #expect(actors.first { $0.0 == "recovery_verified" }?.1 == role, "an agent's event still names session_user")
            #expect(!actors.contains { $0.1 == "postgres" || $0.1 == (try? fixture.connection.query("SELECT session_user::text").single().decode(String.self, at: 0)) })
        }
    }

    @Test("the log filters by time, agent, customer, member and action, and pages")
    func filtersAndPaging() throws {
        try withPortalFixture { fixture in
            let (kim, boss, jane) = try Self.history(fixture)
            defer { kim.connection.close(); boss.connection.close() }
            let kimRole = try kim.whoami().agent
            var filter = AuditLogFilter()
            #expect(try boss.auditLog(filter).map(\.seq) == [7, 6, 5, 4, 3, 2, 1])
            filter.agent = kimRole
            #expect(try boss.auditLog(filter).map(\.action.rawValue) == ["2fa_disabled_support", "recovery_verified", "recovery_failed"])
            filter = AuditLogFilter()
            filter.account = "xy-20001"
            #expect(try boss.auditLog(filter).map(\.action.rawValue) == ["2fa_disabled_override", "2fa_enabled"])
            filter = AuditLogFilter()
            filter.email = jane.email.uppercased()
            #expect(try boss.auditLog(filter).count == 5)
            filter = AuditLogFilter()
            filter.action = .mandatoryOn
            #expect(try boss.auditLog(filter).first?.reason == "by jane@acme.example")
            filter = AuditLogFilter(limit: 3)
            let firstPage = try boss.auditLog(filter)
            filter.beforeSeq = firstPage.last?.seq
            #expect(try boss.auditLog(filter).map(\.seq) == [4, 3, 2])
            let third = try boss.auditLog(AuditLogFilter()).first { $0.seq == 3 }!.occurredAt
            filter = AuditLogFilter()
            filter.since = third
            filter.until = PGTimestamp(microsecondsSinceUnixEpoch: third.microsecondsSinceUnixEpoch + 1)
            #expect(try boss.auditLog(filter).map(\.seq) == [3])
            // The typed filter cannot name an unknown action; the database refuses one from raw SQL.
            #expect(refusal {
                try boss.connection.query("SELECT * FROM support.audit_log(NULL, NULL, NULL, NULL, NULL, '2fa_deleted', NULL, 50)")
            } == .invalidArgument)
            filter = AuditLogFilter()
            filter.account = "ZZ-000"
            #expect(refusal { _ = try boss.auditLog(filter) } == .customerNotFound)
            // A name that is no agent is said to be unknown, not answered with an empty page.
            filter = AuditLogFilter()
            filter.agent = "no_such_agent"
            #expect(refusal { _ = try boss.auditLog(filter) } == .invalidArgument)
            filter.agent = kimRole
            #expect(try boss.auditLog(filter).allSatisfy { $0.actor == kimRole })
            #expect(refusal { _ = try boss.auditLog(AuditLogFilter(limit: 0)) } == .invalidArgument)
        }
    }

    @Test("an unknown agent is refused from the indexes, without reading every chained or staged event")
    func unknownAgentByIndex() throws {
        try withPortalFixture { fixture in
            let (kim, boss, _) = try Self.history(fixture)
            // A fresh session, so no plan is cached from before seq scans were priced out: with
            // them priced out, a scan of either table (the chained events or the staged ones,
            // the two halves of portal.all_events) means no index could answer.
            let auditor = try fixture.agent("auditor", supervisor: true)
            defer { kim.connection.close(); boss.connection.close(); auditor.connection.close() }
            let scans = """
                SELECT relname::text, coalesce(seq_scan, 0)::bigint FROM pg_stat_xact_all_tables
                 WHERE schemaname = 'portal' AND relname IN ('audit_events', 'audit_staging') ORDER BY relname
                """
            func read() throws -> [String: Int64] {
                var counts: [String: Int64] = [:]
                for row in try auditor.connection.query(scans).rows { counts[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1) }
                return counts
            }
            try auditor.connection.query("BEGIN")
            defer { _ = try? auditor.connection.query("ROLLBACK") }
            try auditor.connection.query("SET LOCAL enable_seqscan = off")
            let before = try read()
            try auditor.connection.query("SAVEPOINT refused")
            var filter = AuditLogFilter()
            filter.agent = "no_such_agent"
            #expect(refusal { _ = try auditor.auditLog(filter) } == .invalidArgument)
            try auditor.connection.query("ROLLBACK TO SAVEPOINT refused")
            let after = try read()
            #expect(after["audit_events", default: 0] == before["audit_events", default: 0], "\(before) → \(after)")
            #expect(after["audit_staging", default: 0] == before["audit_staging", default: 0], "\(before) → \(after)")
        }
    }

    @Test("every kind of event is recorded, and the chain over all of them verifies")
    func everyAction() throws {
        try withPortalFixture { fixture in
            try fixture.connection.query("UPDATE portal.settings SET agent_max_mismatches = 5")
            try fixture.customer()
            let admin = try fixture.enrolledMember("admin@acme.example", name: "Ada Admin", role: .administrator)
            let lee = try fixture.enrolledMember("lee@acme.example", name: "Lee")
            let kim = try fixture.agent("kim")
            let boss = try fixture.agent("boss", supervisor: true)
            defer { kim.connection.close(); boss.connection.close() }
            // The member's own changes, each with the code of a later step (as time passes).
            let now = Int64(Date().timeIntervalSince1970)
            func portal(at offset: Int64) -> PortalAPI {
                PortalAPI(connection: fixture.connection, secrets: PortalFixture.secrets, clock: FixedOTPClock(unixTime: now + offset))
            }
            #expect(try portal(at: 0).login(email: lee.email, password: PortalFixture.password,
                                            recoveryCode: lee.recoveryCodes[9].grouped) == .signedIn(method: .recoveryCode))
            let fresh = try portal(at: 30).regenerateRecoveryCodes(email: lee.email, code: try lee.totp.code(at: now + 30))
            try portal(at: 60).disableTwoFactor(email: lee.email, code: try lee.totp.code(at: now + 60))
            try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: admin.email, on: true)
            try fixture.portal.setMandatory(account: "MS-10442", administratorEmail: admin.email, on: false)
            #expect(fresh.count == 10)
            // Support: five mismatches lock the member and stop the agent; both are cleared.
            for _ in 0..<5 { _ = try kim.verify(memberID: admin.memberID, code: RecoveryCode.generate().grouped) }
            _ = try boss.clearLockout(memberID: admin.memberID, reason: "caller confirmed by video call")
            _ = try boss.clearAgentLockout(agent: kim.connection.user, reason: "agent retrained on reading codes")
            _ = try kim.verify(memberID: admin.memberID, code: admin.recoveryCodes[0].grouped)
            // An administrator: the second channel too (the code read from the mail in the outbox).
            _ = try kim.sendEmailCode(memberID: admin.memberID)
            let mail = try #require(try fixture.outbox(kind: "email_code_sent").last?.body)
            let range = try #require(mail.range(of: #"\n  [0-9]{6}\n"#, options: .regularExpression))
            let code = mail[range].trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try kim.presentEmailCode(memberID: admin.memberID, code: code) == .match)
            _ = try kim.disable(memberID: admin.memberID, reason: "lost phone, code verified", ticket: "SUP-10", requestID: UUID())
            let again = try fixture.enrolledMember("again@acme.example", name: "Again")
            // Dual control (the default policy holds overrides) and the review queue's sign-offs.
            let second = try fixture.agent("second", supervisor: true)
            defer { second.connection.close() }
            let request = try boss.overrideDisable(memberID: again.memberID, reason: "no codes left, video check", ticket: "SUP-11", requestID: UUID())
            let override = try second.approveDisable(request: request.seq, note: nil)
            // The real owner disputes the override with the link in their notice.
            let notice = try #require(try fixture.outbox(kind: "2fa_disabled_override").first { $0.recipient == again.email })
            try fixture.portal.confirmDispute(try #require(fixture.disputeToken(in: notice.body)))
            let spare = try fixture.enrolledMember("spare@acme.example", name: "Spare")
            let other = try boss.overrideDisable(memberID: spare.memberID, reason: "no codes left, video check", ticket: "SUP-12", requestID: UUID())
            _ = try second.rejectDisable(request: other.seq, note: "caller could not be identified")
            // The approver may not review the override; the queue names kim's disable for them.
            #expect(refusal { _ = try second.review(item: override.seq, verdict: .approved, note: nil) } == .ownReview)
            let disable = try boss.reviewQueue(ReviewFilter()).first { $0.action == .twoFactorDisabledSupport && $0.actor == kim.connection.user }
            _ = try second.review(item: try #require(disable).item, verdict: .concern, note: "administrator disabled on one code")
            let unlock = try boss.reviewQueue(ReviewFilter()).first { $0.action == .lockCleared && $0.actor == boss.connection.user }
            _ = try second.review(item: try #require(unlock).item, verdict: .approved, note: nil)
            // Lock events join the log when the chainer chains the mismatch that started them.
            try fixture.chainAuditEvents()
            let actions = Set(try boss.auditLog(AuditLogFilter(limit: 100)).map(\.action.rawValue))
            #expect(try fixture.connection.query("SELECT unnest(portal.audit_actions())").rows.map { try $0.decode(String.self, at: 0) }
                    == AuditAction.names, "the Swift type and the schema list the same actions, in the same order")
            #expect(actions == [
                "2fa_enabled", "2fa_disabled_self", "2fa_disabled_support", "2fa_disabled_override",
                "recovery_verified", "recovery_failed", "recovery_locked", "agent_locked", "lock_cleared",
                "mandatory_on", "mandatory_off", "recovery_codes_regenerated", "login_recovery_code",
                "2fa_disputed", "email_code_sent",
                "review_approved", "review_concern", "disable_requested", "disable_approved", "disable_rejected",
            ])
            try verify(boss, anchor: nil)
        }
    }

    @Test("anchors read back exactly, and anything else is refused")
    func anchorText() throws {
        let anchor = AuditAnchor(seq: 42, hash: Array(0..<32))
        #expect(try AuditAnchor(text: "\n  \(anchor)  \n") == anchor)
        for bad in ["", "supportdesk-anchor v2 42 " + anchor.hexHash, "supportdesk-anchor v1 -1 " + anchor.hexHash,
                    "supportdesk-anchor v1 42 " + anchor.hexHash.dropLast(), "supportdesk-anchor v1 42 zz" + anchor.hexHash.dropFirst(2)] {
            #expect(throws: AuditChainProblem.unreadableAnchor) { try AuditAnchor(text: bad) }
        }
    }
}
