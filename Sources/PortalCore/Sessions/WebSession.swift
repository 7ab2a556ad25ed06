public import DeskDatabase
public import PGClient

/// How far a web sign-in has come: the stage decides which pages a session may open.
public enum SessionStage: String, Sendable, Equatable {
    /// The password was right; the second factor is still to come.
    case code
    /// The password was right, the customer enforces 2FA and the member has none: set-up only.
    case setup
    /// Fully signed in.
    case signedIn = "signed_in"
}

/// A valid web session and who it belongs to, as `portal_api.session` returns it.
public struct WebSession: Sendable, Equatable {
    /// The session's row id (not its token).
    public let id: Int64
    /// How far the sign-in has come.
    public let stage: SessionStage
    /// The member signed in.
    public let memberID: Int64
    /// The member's email, which the portal's calls are keyed by.
    public let email: String
    /// The member's name.
    public let name: String
    /// Administrator or member of the customer.
    public let role: MemberRole
    /// The customer's account number.
    public let accountNumber: String
    /// The customer's name.
    public let customerName: String
    /// Whether the customer enforces 2FA.
    public let mandatory: Bool
    /// The member's 2FA now.
    public let twoFactor: TwoFactorState
    /// When 2FA became active, if it is.
    public let twoFactorSince: PGTimestamp?

    init(row: PGRow) throws {
        id = try row.decode(Int64.self, column: "session_id")
        guard let stage = SessionStage(rawValue: try row.decode(String.self, column: "stage")),
              let role = MemberRole(rawValue: try row.decode(String.self, column: "role")),
              let twoFactor = TwoFactorState(rawValue: try row.decode(String.self, column: "twofa_state")) else {
            throw PGError(.decoding, message: "portal_api.session returned a stage, role or 2FA state this build does not know (is the schema newer?)")
        }
        self.stage = stage
        self.role = role
        self.twoFactor = twoFactor
        memberID = try row.decode(Int64.self, column: "member_id")
        email = try row.decode(String.self, column: "email")
        name = try row.decode(String.self, column: "name")
        accountNumber = try row.decode(String.self, column: "account_number")
        customerName = try row.decode(String.self, column: "customer_name")
        mandatory = try row.decode(Bool.self, column: "mandatory_2fa")
        twoFactorSince = try row.decode(PGTimestamp?.self, column: "twofa_since")
    }
}
