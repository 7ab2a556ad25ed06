import DeskDatabase
import Foundation
import PGClient
import PortalCore
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// The web portal's sessions as the database keeps them: reached only through portal_api,
/// ended with the credential whoever disables it, and expired by the database's clock.
@Suite struct WebSessionTests {
    /// A portal connection as a login role in portal_app, and a signed-in session for `email`.
    func portalSession(_ fixture: PortalFixture, _ email: String) throws -> (PortalAPI, SessionToken) {
        let role = "portal_web_\(UUID().uuidString.prefix(8).lowercased())"
        try fixture.connection.query("CREATE ROLE \(role) LOGIN IN ROLE portal_app")
        let portal = PortalAPI(connection: try fixture.database.connect(user: role), secrets: PortalFixture.secrets)
        let token = SessionToken.generate()
        let memberID = try fixture.connection.query("SELECT id FROM portal.team_members WHERE email = $1", [email]).single().decode(Int64.self, at: 0)
        try portal.startSession(memberID: memberID, token: token, stage: .signedIn, method: .password,
                                clientAddress: "192.0.2.7", userAgent: "Test\u{7}Agent")
        return (portal, token)
    }

    @Test func thePortalRoleReachesSessionsOnlyThroughItsFunctions() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
            let (portal, token) = try portalSession(fixture, "jane@acme.example")
            defer { portal.connection.close() }
            #expect(try portal.session(token)?.email == "jane@acme.example")
            for statement in ["SELECT * FROM portal.web_sessions", "DELETE FROM portal.sign_ins",
                              "UPDATE portal.web_sessions SET stage = 'signed_in'", "SELECT portal.end_sessions_of_disabled()"] {
                #expect(sqlState(portal.connection, statement) == "42501", "\(statement)")
            }
            let stored = try fixture.connection.query("SELECT host(client_address), user_agent FROM portal.web_sessions").single()
            #expect(try stored.decode(String.self, at: 0) == "192.0.2.7")
            #expect(try stored.decode(String.self, at: 1) == "TestAgent")
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            #expect(sqlState(agent.connection, "SELECT * FROM portal_api.session('\\x00'::bytea)") == "42501")
            #expect(sqlState(agent.connection, "SELECT * FROM portal_api.team('MS-10442', 'jane@acme.example')") == "42501")
        }
    }

    @Test func theMembersOwnDisableAndASupervisorsOverrideEndTheSessions() throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let (portal, token) = try portalSession(fixture, jane.email)
            defer { portal.connection.close() }
            let later = FixedOTPClock(unixTime: SystemOTPClock().unixTime + 30)
            try PortalAPI(connection: fixture.connection, secrets: PortalFixture.secrets, clock: later)
                .disableTwoFactor(email: jane.email, code: jane.totp.code(clock: later))
            #expect(try portal.session(token) == nil)

            let bob = try fixture.enrolledMember("bob@acme.example", name: "Bob Builder")
            let (portal2, token2) = try portalSession(fixture, bob.email)
            defer { portal2.connection.close() }
            let supervisor = try fixture.agent("sup", supervisor: true)
            defer { supervisor.connection.close() }
            _ = try supervisor.overrideDisable(memberID: bob.memberID, reason: "verified by video call", ticket: "SUP-2", requestID: UUID())
            #expect(try portal2.session(token2) == nil)
        }
    }

    @Test func sessionsExpireAndHalfDoneSignInsSooner() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
            let (portal, token) = try portalSession(fixture, "jane@acme.example")
            defer { portal.connection.close() }
            try fixture.connection.query("UPDATE portal.web_sessions SET created_at = created_at - interval '13 hours'")
            #expect(try portal.session(token) == nil, "past the absolute lifetime, however recently seen")
            let pending = SessionToken.generate()
            try portal.startSession(memberID: 1, token: pending, stage: .code, method: nil, clientAddress: nil, userAgent: nil)
            try fixture.connection.query("UPDATE portal.web_sessions SET created_at = created_at - interval '11 minutes'")
            #expect(try !portal.advanceSession(pending, to: SessionToken.generate(), stage: .signedIn, method: .totp))
            #expect(try fixture.connection.query("SELECT count(*) FROM portal.sign_ins WHERE method = 'totp'").single().decode(Int.self, at: 0) == 0)
        }
    }
}
