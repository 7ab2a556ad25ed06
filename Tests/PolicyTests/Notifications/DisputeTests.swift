import DeskDatabase
import Foundation
import PGClient
import PortalCore
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// "This wasn't me" (migration 0041): a support disable suspends the credential; the member's
/// single-use link restores it, and nothing else can.
@Suite("Disputing a support disable")
struct DisputeTests {
    /// Disables `member` as a fresh agent after a code check; returns the member's link token.
    func disableBySupport(_ fixture: PortalFixture, _ member: EnrolledMember, codeIndex: Int = 0) throws -> DisputeToken {
        let kim = try fixture.agent("kim")
        defer { kim.connection.close() }
        _ = try kim.verify(memberID: member.memberID, code: member.recoveryCodes[codeIndex].grouped)
        _ = try kim.disable(memberID: member.memberID, reason: "caller lost phone, code read out", ticket: "SUP-4411", requestID: UUID())
        let notice = try #require(try fixture.outbox().last { $0.recipient == member.email && $0.kind == "2fa_disabled_support" })
        return try #require(fixture.disputeToken(in: notice.body))
    }

    /// Found by a hostile review: after a takeover the attacker enrols an app, has support disable
    /// it too, and the member's newest notice links to the attacker's app. That link is refused;
    /// the earlier one restores the member's own app and removes the attacker's.
    @Test("a link to an app set up during an earlier disable's window is refused; the earlier link restores the member's app")
    func theNewestLinkCannotRestoreTheAttackersApp() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let first = try disableBySupport(fixture, jane)
            let uri = try fixture.portal.beginEnrolment(email: jane.email)
            let attacker = try #require(uri.makeTOTP())
            let attackersCodes = try fixture.portal.confirmEnrolment(email: jane.email, code: try attacker.code(clock: SystemOTPClock()))
            // The attacker calls support again, reading one of their own new codes.
            let sam = try fixture.agent("sam")
            defer { sam.connection.close() }
            _ = try sam.verify(memberID: jane.memberID, code: attackersCodes[0].grouped)
            _ = try sam.disable(memberID: jane.memberID, reason: "caller lost phone, code read out", ticket: "SUP-4412", requestID: UUID())
            let notice = try #require(try fixture.outbox().last { $0.recipient == jane.email && $0.kind == "2fa_disabled_support" })
            let second = try #require(fixture.disputeToken(in: notice.body))
            #expect(refusal { _ = try fixture.portal.confirmDispute(second) } == .disputeLinkNotUsable)
            _ = try fixture.portal.confirmDispute(first)
            let (later, clock) = fixture.laterPortal(secondsAhead: 30)
            #expect(try later.signInCode(email: jane.email, code: attacker.code(clock: clock)) != .signedIn(method: .totp),
                    "the attacker's app is not back")
            let (evenLater, laterClock) = fixture.laterPortal(secondsAhead: 60)
            #expect(try evenLater.signInCode(email: jane.email, code: jane.totp.code(clock: laterClock)) == .signedIn(method: .totp),
                    "the member's own app is")
            let states = try fixture.connection.query("SELECT state::text FROM portal.suspended_credentials ORDER BY id").rows.map { try $0.decode(String.self, at: 0) }
            #expect(states == ["disputed", "superseded"])
        }
    }

    @Test("confirming restores the original app, removes the attacker's, voids codes, ends sessions, tells the administrators; new codes once")
    func theStory() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            let token = try disableBySupport(fixture, jane)
            let summary = try #require(try fixture.portal.dispute(token))
            #expect(summary.email == jane.email && summary.ticket == "SUP-4411" && !summary.wasOverride)
            #expect(try fixture.twoFactorState(jane.email) == "off", "suspended: sign-in treats her as without 2FA")
            #expect(try fixture.portal.login(email: jane.email, password: PortalFixture.password) == .signedIn(method: .password))

            // The attacker enrols an app of their own and holds a session.
            let uri = try fixture.portal.beginEnrolment(email: jane.email)
            let attacker = try #require(uri.makeTOTP())
            _ = try fixture.portal.confirmEnrolment(email: jane.email, code: try attacker.code(clock: SystemOTPClock()))
            let session = SessionToken.generate()
            try fixture.portal.startSession(memberID: jane.memberID, token: session, stage: .signedIn, method: .totp,
                                            clientAddress: nil, userAgent: nil)

            let event = try fixture.portal.confirmDispute(token)
            #expect(try fixture.portal.session(session) == nil, "every session ended")
            let (later, clock) = fixture.laterPortal(secondsAhead: 30)
            #expect(try later.signInCode(email: jane.email, code: attacker.code(clock: clock)) != .signedIn(method: .totp),
                    "the attacker's app is gone")
            let (evenLater, laterClock) = fixture.laterPortal(secondsAhead: 60)
            #expect(try evenLater.signInCode(email: jane.email, code: jane.totp.code(clock: laterClock)) == .signedIn(method: .totp),
                    "the original app works again")
            #expect(try fixture.portal.signInRecoveryCode(email: jane.email, recoveryCode: jane.recoveryCodes[5].grouped) != .signedIn(method: .recoveryCode),
                    "old recovery codes are void")
            let fresh = try #require(try fixture.portal.issueOwedRecoveryCodes(memberID: jane.memberID))
            #expect(fresh.count == 10)
            #expect(try fixture.portal.issueOwedRecoveryCodes(memberID: jane.memberID) == nil, "shown once")

            let disputed = try fixture.outbox(kind: "2fa_disputed")
            #expect(disputed.map(\.recipient) == [jane.email, "ada@acme.example"] && disputed.allSatisfy { $0.eventID == event })
            #expect(disputed.allSatisfy { !$0.body.contains("/dispute/") })
            try fixture.chainAuditEvents()
            #expect(try fixture.connection.query("SELECT action FROM portal.audit_events WHERE event_id = $1", [event])
                .single().decode(String.self, at: 0) == "2fa_disputed", "a chained event")
            let state = try fixture.connection.query(
                "SELECT state, secret_ciphertext IS NULL FROM portal.suspended_credentials").single()
            #expect(try state.decode(String.self, at: 0) == "disputed" && state.decode(Bool.self, at: 1))
        }
    }

    @Test("a link works once, only in its window, only for its own member, and only in its exact form")
    func hostileLinks() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Roe")
            let janes = try disableBySupport(fixture, jane)
            let bobs = try disableBySupport(fixture, bob)
            #expect(DisputeToken("not-a-token") == nil && DisputeToken(String(repeating: "A", count: 64)) == nil)
            #expect(try fixture.portal.dispute(try #require(DisputeToken(String(repeating: "a", count: 64)))) == nil)

            try fixture.portal.confirmDispute(bobs)
            #expect(try fixture.twoFactorState(jane.email) == "off", "bob's link restores bob only")
            #expect(try fixture.twoFactorState(bob.email) == "active")
            #expect(refusal { try fixture.portal.confirmDispute(bobs) } == .disputeLinkNotUsable, "replayed")
            #expect(try fixture.portal.dispute(bobs) == nil)

            try fixture.connection.query("UPDATE portal.suspended_credentials SET dispute_until = clock_timestamp() - interval '1 second' WHERE state = 'kept'")
            #expect(try fixture.portal.dispute(janes) == nil)
            #expect(refusal { try fixture.portal.confirmDispute(janes) } == .disputeLinkNotUsable, "expired")
            #expect(try AuditChainer(connection: fixture.connection).purgeExpiredSuspensions() == 1)
            let purged = try fixture.connection.query(
                "SELECT state, secret_ciphertext IS NULL, key_fingerprint IS NULL FROM portal.suspended_credentials s JOIN portal.team_members m ON m.id = s.member_id WHERE m.email = $1",
                [jane.email]).single()
            #expect(try purged.decode(String.self, at: 0) == "expired" && purged.decode(Bool.self, at: 1) && purged.decode(Bool.self, at: 2))
        }
    }

    @Test("an agent with psql can neither dispute, purge, nor read suspended credentials")
    func agentsCannotReachDisputes() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let token = try disableBySupport(fixture, jane)
            let eve = try fixture.agent("eve", supervisor: true)
            defer { eve.connection.close() }
            let hash = "'\\x" + Hex.encode(token.hash) + "'::bytea"
            for statement in ["SELECT portal_api.confirm_dispute(\(hash))", "SELECT * FROM portal_api.dispute(\(hash))",
                              "SELECT portal.purge_suspended_credentials()", "SELECT * FROM portal.suspended_credentials",
                              "SELECT portal_api.issue_owed_recovery_codes(1, '\\x00'::bytea, ARRAY['\\x00'::bytea])",
                              "UPDATE portal.suspended_credentials SET dispute_until = now() + interval '1 year'",
                              "SELECT * FROM portal.notifications"] {
                #expect(sqlState(eve.connection, statement) == "42501", "\(statement)")
            }
            #expect(try fixture.portal.dispute(token) != nil, "still usable by the member")
        }
    }

    @Test("show lists the suspension and the notifications, never their text")
    func agentsSeeDisputes() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            try fixture.member("ada@acme.example", name: "Ada Admin", role: .administrator)
            let token = try disableBySupport(fixture, jane)
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            var detail = try kim.detail(memberID: jane.memberID)
            #expect(detail.suspensions.map(\.state) == [.kept])
            #expect(Set(detail.notifications.map(\.recipient)) == [jane.email, "ada@acme.example"])
            #expect(detail.notifications.allSatisfy { $0.state == .pending && $0.kind == .twoFactorDisabledSupport })
            try fixture.portal.confirmDispute(token)
            detail = try kim.detail(memberID: jane.memberID)
            #expect(detail.suspensions.map(\.state) == [.disputed] && detail.twoFactor == .active)
            #expect(detail.notifications.first?.kind == .twoFactorDisputed)
        }
    }
}
