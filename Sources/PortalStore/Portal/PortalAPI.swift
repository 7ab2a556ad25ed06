import Foundation
import PGClient
import TOTPCore

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
        try connection.query("SELECT portal_api.create_customer($1, $2)", [account, name]).rows[0].decode(Int64.self, at: 0)
    }

    /// Adds a team member with a scrypt hash of `password`; returns the member's id.
    @discardableResult
    public func addMember(account: String, email: String, name: String, role: String = "member",
                          phone: String? = nil, password: String) throws -> Int64 {
        let hash = try PasswordHash.make(password: password)
        return try addMember(account: account, email: email, name: name, role: role, phone: phone, passwordHash: hash)
    }

    /// Adds a team member whose password is already hashed (seeding reuses one hash).
    @discardableResult
    public func addMember(account: String, email: String, name: String, role: String,
                          phone: String?, passwordHash: PasswordHash) throws -> Int64 {
        try connection.query(
            "SELECT portal_api.add_member($1, $2, $3, $4, $5, $6)",
            [account, email, name, role, phone, passwordHash.encoded]).rows[0].decode(Int64.self, at: 0)
    }

    /// Starts 2FA set-up: stores a fresh secret as pending and returns the Key URI for the app.
    public func beginEnrolment(email: String, algorithm: OTPAlgorithm = .sha1, digits: Int = 6,
                               period: Int64 = 30) throws -> OTPAuthURI {
        let state = try member(email)
        if state.twoFactor == .active {
            throw PortalRefusal(code: .alreadyEnrolled, message: "\(email) already has 2FA enabled")
        }
        let secret = OTPSecret.generate(for: algorithm)
        let totp = try TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period)
        let uri = try OTPAuthURI(totp: totp, accountName: email, issuer: issuer)
        let box = try requireSecrets()
        try connection.query(
            "SELECT portal_api.begin_enrolment($1::bigint, $2, $3, $4, $5::int, $6::int)",
            [state.memberID, try box.seal(secret.bytes, memberID: state.memberID), box.fingerprint,
             algorithm.rawValue, digits, Int(period)])
        return uri
    }

    /// Confirms set-up with the first code from the app; returns the recovery codes, which are
    /// shown once and stored only as salted hashes.
    public func confirmEnrolment(email: String, code: String) throws -> [RecoveryCode] {
        let state = try member(email)
        guard state.twoFactor == .pending else {
            if state.twoFactor == .active {
                throw PortalRefusal(code: .alreadyEnrolled, message: "\(email) already has 2FA enabled")
            }
            throw PortalActionError.noPendingEnrolment(email)
        }
        let step = try acceptedStep(code, state: state)
        let codes = RecoveryCode.generateBatch()
        let salt = RecoveryCode.makeSalt()
        try connection.query(
            "SELECT portal_api.confirm_enrolment($1::bigint, $2::bigint, $3, " + Self.hashArray + ")",
            [state.memberID, step, salt, Self.hexList(codes, salt: salt)])
        return codes
    }

    /// Decides a login. A wrong password or code counts towards the login lockout.
    public func login(email: String, password: String, code: String? = nil, recoveryCode: String? = nil) throws -> LoginOutcome {
        guard let state = try MemberLoginState.read(email: email, from: connection) else {
            Self.burnPasswordCheck(password)
            return .wrongPassword
        }
        if let until = state.lockedUntil { return .locked(until: until) }
        let hash = try PasswordHash(encoded: state.passwordHash)
        guard hash.matches(password) else { return try failure(state, .wrongPassword) }
        guard state.twoFactor == .active else {
            if state.mandatory { return .setupRequired }
            try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
            return .signedIn(method: .password)
        }
        if let code {
            let verification: TOTPVerification
            do {
                verification = try state.totp(try requireSecrets()).verify(
                    code, at: clock.unixTime, lastAcceptedStep: state.lastAcceptedStep.map { UInt64($0) })
            } catch is OTPError {
                return try failure(state, .wrongCode)
            }
            switch verification {
            case .accepted(let step):
                guard try accept(step: Int64(step), memberID: state.memberID) else { return .replayedCode }
            case .replayed:
                return .replayedCode
            case .rejected:
                return try failure(state, .wrongCode)
            }
            try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
            return .signedIn(method: .totp)
        }
        if let recoveryCode {
            let used = try connection.query("SELECT portal_api.use_recovery_code($1::bigint, $2)", [state.memberID, recoveryCode])
            guard try used.rows[0].decode(Bool.self, at: 0) else { return try failure(state, .wrongCode) }
            try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
            return .signedIn(method: .recoveryCode)
        }
        return .codeRequired
    }

    /// The member's own disable, with a current code.
    public func disableTwoFactor(email: String, code: String) throws {
        let state = try member(email)
        guard state.twoFactor == .active else { throw PortalActionError.notEnrolled(email) }
        let step = try acceptedStep(code, state: state)
        let done = try connection.query("SELECT portal_api.disable_self($1::bigint, $2::bigint)", [state.memberID, step])
        guard try done.rows[0].decode(Bool.self, at: 0) else { throw PortalActionError.replayedCode }
    }

    /// New recovery codes after a current code; the old ones stop working.
    public func regenerateRecoveryCodes(email: String, code: String) throws -> [RecoveryCode] {
        let state = try member(email)
        guard state.twoFactor == .active else { throw PortalActionError.notEnrolled(email) }
        let step = try acceptedStep(code, state: state)
        let codes = RecoveryCode.generateBatch()
        let salt = RecoveryCode.makeSalt()
        let done = try connection.query(
            "SELECT portal_api.regenerate_recovery_codes($1::bigint, $2::bigint, $3, " + Self.hashArray + ")",
            [state.memberID, step, salt, Self.hexList(codes, salt: salt)])
        guard try done.rows[0].decode(Bool.self, at: 0) else { throw PortalActionError.replayedCode }
        return codes
    }

    /// Turns mandatory 2FA on or off; only an administrator of the customer may. Returns false
    /// when it already was so.
    @discardableResult
    public func setMandatory(account: String, administratorEmail: String, on: Bool) throws -> Bool {
        try connection.query("SELECT portal_api.set_mandatory($1, $2, $3::boolean)", [account, administratorEmail, on])
            .rows[0].decode(Bool.self, at: 0)
    }

    /// Creates a support agent's login role (needs a connection with CREATEROLE).
    public func createAgent(name: String, supervisor: Bool) throws {
        try connection.query("SELECT portal_api.create_agent($1, $2::boolean)", [name, supervisor])
    }

    // MARK: - Helpers

    /// `$4` (comma-separated hex hashes) as a bytea[] inside the SQL, since parameters are scalars.
    static let hashArray = "(SELECT array_agg(decode(h, 'hex')) FROM unnest(string_to_array($4::text, ',')) AS h)"

    static func hexList(_ codes: [RecoveryCode], salt: [UInt8]) -> String {
        codes.map { Hex.encode($0.hash(salt: salt)) }.joined(separator: ",")
    }

    private func member(_ email: String) throws -> MemberLoginState {
        guard let state = try MemberLoginState.read(email: email, from: connection) else {
            throw PortalActionError.memberNotFound(email)
        }
        return state
    }

    private func requireSecrets() throws -> SecretBox {
        guard let secrets else { throw SecretBoxError.missingKey }
        return secrets
    }

    /// The step of a valid, fresh code, or the reason it is not one.
    private func acceptedStep(_ code: String, state: MemberLoginState) throws -> Int64 {
        let verification: TOTPVerification
        do {
            verification = try state.totp(try requireSecrets()).verify(
                code, at: clock.unixTime, lastAcceptedStep: state.lastAcceptedStep.map { UInt64($0) })
        } catch is OTPError {
            throw PortalActionError.wrongCode
        }
        switch verification {
        case .accepted(let step): return Int64(step)
        case .replayed: throw PortalActionError.replayedCode
        case .rejected: throw PortalActionError.wrongCode
        }
    }

    private func accept(step: Int64, memberID: Int64) throws -> Bool {
        try connection.query("SELECT portal_api.accept_step($1::bigint, $2::bigint)", [memberID, step])
            .rows[0].decode(Bool.self, at: 0)
    }

    private func failure(_ state: MemberLoginState, _ outcome: LoginOutcome) throws -> LoginOutcome {
        let row = try connection.query("SELECT portal_api.record_login_failure($1::bigint)", [state.memberID]).rows[0]
        if let until = try row.decode(PGTimestamp?.self, at: 0) { return .locked(until: until) }
        return outcome
    }

    /// Spends the time of a password check, so an unknown email answers as slowly as a known one.
    private static func burnPasswordCheck(_ password: String) {
        if let decoy = try? PasswordHash(encoded: decoyHash) { _ = decoy.matches(password) }
    }

    private static let decoyHash = "$scrypt$ln=15,r=8,p=1$c3VwcG9ydGRlc2tkZWNveQ==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
}
