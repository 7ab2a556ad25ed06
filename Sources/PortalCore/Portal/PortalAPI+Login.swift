import DeskDatabase
import PGClient
import TOTPCore

/// Deciding a sign-in: password, then the second factor, with the lockout counting failures.
extension PortalAPI {
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
            switch try state.verify(code, at: clock.unixTime, secrets: try requireSecrets()) {
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
            // The database refuses while locked and records a wrong code itself, in the same call.
            let row = try connection.query(
                "SELECT used, locked_until FROM portal_api.sign_in_with_recovery_code($1::bigint, $2)",
                [state.memberID, recoveryCode]).single()
            if let until = try row.decode(PGTimestamp?.self, column: "locked_until") { return .locked(until: until) }
            guard try row.decode(Bool.self, column: "used") else { return .wrongCode }
            try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
            return .signedIn(method: .recoveryCode)
        }
        return .codeRequired
    }

    private func accept(step: Int64, memberID: Int64) throws -> Bool {
        try connection.query("SELECT portal_api.accept_step($1::bigint, $2::bigint)", [memberID, step])
            .single().decode(Bool.self, at: 0)
    }

    private func failure(_ state: MemberLoginState, _ outcome: LoginOutcome) throws -> LoginOutcome {
        let row = try connection.query("SELECT portal_api.record_login_failure($1::bigint)", [state.memberID]).single()
        if let until = try row.decode(PGTimestamp?.self, at: 0) { return .locked(until: until) }
        return outcome
    }

    /// Spends the time of a password check, so an unknown email answers as slowly as a known one.
    private static func burnPasswordCheck(_ password: String) {
        if let decoy = try? PasswordHash(encoded: decoyHash) { _ = decoy.matches(password) }
    }

    private static let decoyHash = "$scrypt$ln=15,r=8,p=1$c3VwcG9ydGRlc2tkZWNveQ==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
}
