public import DeskDatabase
public import PGClient

/// One member of a customer's team as its administrators see it.
public struct TeamMember: Sendable, Equatable {
    /// The member's id.
    public let memberID: Int64
    /// Their email.
    public let email: String
    /// Their name.
    public let name: String
    /// Administrator or member.
    public let role: MemberRole
    /// Their 2FA now.
    public let twoFactor: TwoFactorState
    /// When their 2FA became active, if it is.
    public let twoFactorSince: PGTimestamp?
    /// Their last sign-in, if any.
    public let lastLoginAt: PGTimestamp?
}

extension PortalAPI {
    /// The customer's team, for one of its administrators; anyone else is refused by the
    /// database (DK103), whatever the front end shows.
    public func team(account: String, administratorEmail: String) throws -> [TeamMember] {
        try connection.query("SELECT * FROM portal_api.team($1, $2)", [account, administratorEmail]).rows.map { row in
            guard let role = MemberRole(rawValue: try row.decode(String.self, column: "role")),
                  let state = TwoFactorState(rawValue: try row.decode(String.self, column: "twofa_state")) else {
                throw PGError(.decoding, message: "portal_api.team returned a role or 2FA state this build does not know (is the schema newer?)")
            }
            return TeamMember(
                memberID: try row.decode(Int64.self, column: "member_id"),
                email: try row.decode(String.self, column: "email"),
                name: try row.decode(String.self, column: "name"),
                role: role, twoFactor: state,
                twoFactorSince: try row.decode(PGTimestamp?.self, column: "twofa_since"),
                lastLoginAt: try row.decode(PGTimestamp?.self, column: "last_login_at"))
        }
    }
}
