public import DeskDatabase
import Foundation
public import PGClient
public import TOTPCore

/// The portal's side of 2FA: accounts, enrolment, login, self-disable, recovery codes and
/// mandatory 2FA. Passwords and TOTP codes are checked here (the portal alone holds
/// PORTAL_SECRET_KEY); replay protection, lockouts and the audit trail are the database's.
public struct PortalAPI {
    /// A connection as `portal_app` (or a superuser, for set-up and tests).
    public let connection: PGConnection
    /// The key box; needed for anything that touches a TOTP secret.
    public let secrets: SecretBox?
    /// The time codes are checked against.
    public let clock: any OTPClock
    /// The issuer shown in authenticator apps.
    public let issuer: String

    /// The portal's API over `connection`.
    public init(connection: PGConnection, secrets: SecretBox?, clock: any OTPClock = SystemOTPClock(),
                issuer: String = "SupportDesk Portal") {
        self.connection = connection
        self.secrets = secrets
        self.clock = clock
        self.issuer = issuer
    }

    /// Creates a customer account; returns its id.
    @discardableResult
    public func createCustomer(account: String, name: String) throws -> Int64 {
        try connection.query("SELECT portal_api.create_customer($1, $2)", [account, name]).single().decode(Int64.self, at: 0)
    }

    /// Adds a team member with a scrypt hash of `password`; returns the member's id.
    @discardableResult
    public func addMember(account: String, email: String, name: String, role: MemberRole = .member,
                          phone: String? = nil, password: String) throws -> Int64 {
        let hash = try PasswordHash.make(password: password)
        return try addMember(account: account, email: email, name: name, role: role, phone: phone, passwordHash: hash)
    }

    /// Adds a team member whose password is already hashed (seeding reuses one hash).
    @discardableResult
    public func addMember(account: String, email: String, name: String, role: MemberRole,
                          phone: String?, passwordHash: PasswordHash) throws -> Int64 {
        try connection.query(
            "SELECT portal_api.add_member($1, $2, $3, $4, $5, $6)",
            [account, email, name, role.rawValue, phone, passwordHash.encoded]).single().decode(Int64.self, at: 0)
    }

    /// Turns mandatory 2FA on or off; only an administrator of the customer may. Returns false
    /// when it already was so.
    @discardableResult
    public func setMandatory(account: String, administratorEmail: String, on: Bool) throws -> Bool {
        try connection.query("SELECT portal_api.set_mandatory($1, $2, $3::boolean)", [account, administratorEmail, on])
            .single().decode(Bool.self, at: 0)
    }

    /// The connection limit an agent gets unless told otherwise: room for `--jobs 16` and a
    /// second terminal, and no more, so one agent cannot take every connection of the server.
    public static let defaultAgentConnectionLimit = 20

    /// Creates a support agent's login role (needs a connection with CREATEROLE).
    public func createAgent(name: String, supervisor: Bool, connectionLimit: Int = defaultAgentConnectionLimit) throws {
        try connection.query("SELECT portal_api.create_agent($1, $2::boolean, $3::int)", [name, supervisor, connectionLimit])
    }

    /// Changes an existing agent's connection limit (needs a connection with CREATEROLE).
    public func setAgentConnectionLimit(name: String, connectionLimit: Int) throws {
        try connection.query("SELECT portal_api.set_agent_connection_limit($1, $2::int)", [name, connectionLimit])
    }

    /// The member's login state, or a clear error when no one has this email.
    func member(_ email: String) throws -> MemberLoginState {
        guard let state = try MemberLoginState.read(email: email, from: connection) else {
            throw PortalRefusal.memberNotFound(email)
        }
        return state
    }

    /// The key box, or the error that says PORTAL_SECRET_KEY is missing.
    func requireSecrets() throws -> SecretBox {
        guard let secrets else { throw SecretBoxError.missingKey }
        return secrets
    }
}
