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

@Suite("Disabling 2FA for a caller")
struct DisableTests {
    @Test("a disable needs this agent's own unused match; reason and ticket are checked")
    func disableRules() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let sam = try fixture.agent("sam")
            defer { kim.connection.close(); sam.connection.close() }
            let ok = "caller lost phone, code verified"
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: ok, ticket: "SUP-1", requestID: UUID()) } == .notVerified)
            #expect(try sam.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped).outcome == .match)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: ok, ticket: "SUP-1", requestID: UUID()) } == .notVerified,
                    "another agent's match does not count")
            #expect(try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[1].grouped).outcome == .match)
            #expect(try kim.detail(memberID: jane.memberID).verifiedUntil != nil)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: "lost", ticket: "SUP-1", requestID: UUID()) } == .reasonRequired)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: ok, ticket: " ", requestID: UUID()) } == .ticketRequired)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: ok, ticket: "SUP 1; DROP", requestID: UUID()) } == .ticketRequired)
            let event = try kim.disable(memberID: jane.memberID, reason: "  \(ok)  ", ticket: "SUP-1", requestID: UUID())
            #expect(event.action.rawValue == "2fa_disabled_support" && event.reason == ok && event.ticket == "SUP-1")
            #expect(event.target == jane.email && event.accountNumber == "MS-10442")
            let detail = try kim.detail(memberID: jane.memberID)
            #expect(detail.twoFactor == .off && detail.recoveryCodesLeft == 0 && detail.verifiedUntil == nil)
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: ok, ticket: "SUP-1", requestID: UUID()) } == .notEnrolled)
        }
    }

    @Test("a consumed verification cannot be reused, nor one older than the credential")
    func consumedVerification() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[1].grouped)
            _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, verified", ticket: "SUP-1", requestID: UUID())
            // Jane enrols again; kim's second, unused match predates the new credential.
            let uri = try fixture.portal.beginEnrolment(email: jane.email)
            _ = try fixture.portal.confirmEnrolment(email: jane.email, code: try uri.makeTOTP()!.code(at: Int64(Date().timeIntervalSince1970)))
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone again", ticket: "SUP-2", requestID: UUID()) } == .notVerified)
            let consumed = try fixture.connection.query(
                "SELECT count(*) FILTER (WHERE consumed_at IS NOT NULL), count(*) FROM portal.recovery_checks WHERE outcome = 'match'").single()
            #expect(try consumed.decode(Int.self, at: 0) == 1 && consumed.decode(Int.self, at: 1) == 2)
        }
    }

    @Test("a match expires after the configured time")
    func matchExpires() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            try fixture.connection.query("UPDATE portal.recovery_checks SET checked_at = checked_at - interval '12 minutes 30 seconds'")
            try fixture.connection.query("UPDATE portal.totp_credentials SET activated_at = activated_at - interval '1 hour'")
            #expect(refusal { _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, verified", ticket: "SUP-1", requestID: UUID()) } == .notVerified)
            // The refusal says which of the three it is (issue 14): expired, how long ago.
            #expect(message { _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, verified", ticket: "SUP-1", requestID: UUID()) }
                    == "your match for jane@acme.example expired 3 minutes ago (a match allows a disable for 10 minutes): verify a recovery code again")
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[1].grouped)
            _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone, verified", ticket: "SUP-1", requestID: UUID())
            let uri = try fixture.portal.beginEnrolment(email: jane.email)
            _ = try fixture.portal.confirmEnrolment(email: jane.email, code: try uri.makeTOTP()!.code(at: Int64(Date().timeIntervalSince1970)))
            #expect(message { _ = try kim.disable(memberID: jane.memberID, reason: "caller lost phone again", ticket: "SUP-2", requestID: UUID()) }
                    == "verify a recovery code of jane@acme.example first: a disable needs your own match from the last 10 minutes",
                    "a match from before the new enrolment does not count, and the sentence says so")
        }
    }

    /// The message a refused call raised.
    func message(_ call: () throws -> Void) -> String? {
        do {
            try call()
            return nil
        } catch let error as PGError {
            return error.message
        } catch {
            return nil
        }
    }

    @Test("16 concurrent disables of one member give one event")
    func concurrentDisables() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let kim = try fixture.agent("kim")
            let role = try kim.whoami().agent
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            kim.connection.close()
            let results = fixture.concurrently(16, as: role) { api in
                try api.disable(
                    memberID: jane.memberID, reason: "caller lost phone, verified", ticket: "SUP-7", requestID: UUID())
            }
            let successes = results.compactMap { try? $0.get() }
            #expect(successes.count == 1)
            for case .failure(let error) in results {
                let code = (error as? PGError).flatMap(PortalRefusal.init)?.code
                #expect(code == .notEnrolled || code == .notVerified)
            }
            try fixture.chainAuditEvents()
            let events = try fixture.connection.query(
                "SELECT count(*) FROM portal.audit_events WHERE action LIKE '2fa_disabled%'").single().decode(Int.self, at: 0)
            #expect(events == 1)
        }
    }

    @Test("a retried disable with the same request id returns the first event, even concurrently")
    func idempotentRetry() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Roe")
            let kim = try fixture.agent("kim")
            let role = try kim.whoami().agent
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let request = UUID()
            let results = fixture.concurrently(8, as: role) { api in
                try api.disable(
                    memberID: jane.memberID, reason: "caller lost phone, verified", ticket: "SUP-7", requestID: request)
            }
            let events = results.compactMap { try? $0.get() }
            #expect(events.count == 8 && Set(events.map(\.seq)).count == 1)
            #expect(try kim.lookupRequest(request)?.seq == events.first?.seq)
            #expect(try kim.lookupRequest(UUID()) == nil)
            _ = try kim.verify(memberID: bob.memberID, code: bob.recoveryCodes[0].grouped)
            #expect(refusal { _ = try kim.disable(memberID: bob.memberID, reason: "caller lost phone, verified", ticket: "SUP-8", requestID: request) } == .requestConflict)
            kim.connection.close()
        }
    }

    @Test("a supervisor overrides without a code, recorded as an override, once under concurrency")
    func override() throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let boss = try fixture.agent("boss", supervisor: true)
            let role = try boss.whoami().agent
            boss.connection.close()
            let results = fixture.concurrently(16, as: role) { api in
                try api.overrideDisable(
                    memberID: jane.memberID, reason: "no codes left, identity checked by video", ticket: "SUP-9", requestID: UUID())
            }
            let events = results.compactMap { try? $0.get() }
            #expect(events.count == 1 && events.first?.action.rawValue == "2fa_disabled_override" && events.first?.actor == role)
        }
    }
}
