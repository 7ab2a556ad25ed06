import Foundation
import PGClient
import PortalCore
import TestSupport
import TOTPCore

/// One outbox row as the tests read it.
struct OutboxRow: Equatable {
    let eventID: Int64
    let kind: String
    let recipient: String
    let audience: String
    let subject: String
    let body: String
}

extension PortalFixture {
    /// Every outbox row, oldest first.
    func outbox(kind: String? = nil) throws -> [OutboxRow] {
        try connection.query("""
            SELECT event_id, kind, recipient, audience, subject, body FROM portal.notifications
             WHERE $1::text IS NULL OR kind = $1 ORDER BY id
            """, [kind]).rows.map { row in
            OutboxRow(eventID: try row.decode(Int64.self, at: 0), kind: try row.decode(String.self, at: 1),
                      recipient: try row.decode(String.self, at: 2), audience: try row.decode(String.self, at: 3),
                      subject: try row.decode(String.self, at: 4), body: try row.decode(String.self, at: 5))
        }
    }

    /// The member's 2FA state as sign-in sees it: off, pending or active.
    func twoFactorState(_ email: String) throws -> String {
        try connection.query("""
            SELECT coalesce(t.state, 'off') FROM portal.team_members m LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
             WHERE m.email = $1
            """, [email]).single().decode(String.self, at: 0)
    }

    /// The dispute token in the member's notice of a disable, if there is one.
    func disputeToken(in body: String) -> DisputeToken? {
        guard let range = body.range(of: #"/dispute/[0-9a-f]{64}"#, options: .regularExpression) else { return nil }
        return DisputeToken(String(body[range].dropFirst("/dispute/".count)))
    }

    /// The portal's API at a clock `seconds` ahead, so a new TOTP step is not a replay.
    func laterPortal(secondsAhead seconds: Int64) -> (PortalAPI, FixedOTPClock) {
        let clock = FixedOTPClock(unixTime: SystemOTPClock().unixTime + seconds)
        return (PortalAPI(connection: connection, secrets: PortalFixture.secrets, clock: clock), clock)
    }
}

/// What must never appear in any notification of `member`: a recovery code (grouped or bare),
/// the TOTP secret (Base32 or hex) or the password.
func forbiddenTexts(of member: EnrolledMember) -> [String] {
    member.recoveryCodes.flatMap { [$0.grouped, $0.grouped.replacingOccurrences(of: "-", with: "")] }
        + [Base32.encode(member.totp.secret.bytes), Hex.encode(member.totp.secret.bytes), PortalFixture.password]
}
