import DeskDatabase
import PGClient
import TOTPCore

/// Deciding a sign-in: password, then the second factor, with the lockout counting failures.
/// The command asks for every factor at once (`login`); the web asks for them one page at a
/// time (`signInPassword`, then `signInCode` or `signInRecoveryCode`). Both run the same steps.
extension PortalAPI {
    /// Decides a login. A wrong password or code counts towards the login lockout.
    public func login(email: String, password: String, code: String? = nil, recoveryCode: String? = nil) throws -> LoginOutcome {
        let first = try passwordStep(email: email, password: password)
        guard first.outcome == .codeRequired, let state = first.state else { return first.outcome }
        if let code { return try codeStep(code, state: state) }
        if let recoveryCode { return try recoveryCodeStep(recoveryCode, state: state) }
        return .codeRequired
    }

    /// The password step alone. `memberID` is set when the password was right: the outcome is
    /// then `signedIn` (2FA is off), `codeRequired` or `setupRequired`.
    public func signInPassword(email: String, password: String) throws -> (outcome: LoginOutcome, memberID: Int64?) {
        let step = try passwordStep(email: email, password: password)
        switch step.outcome {
        case .signedIn, .codeRequired, .setupRequired: return (step.outcome, step.state?.memberID)
        default: return (step.outcome, nil)
        }
    }

    /// The second step with a TOTP code, for a member whose password was checked earlier in
    /// this sign-in (the caller keeps that proof, as the web's session stage does).
    public func signInCode(email: String, code: String) throws -> LoginOutcome {
        let state = try member(email)
        if let until = state.lockedUntil { return .locked(until: until) }
        guard state.twoFactor == .active else { return .wrongCode }
        return try codeStep(code, state: state)
    }

    /// The second step with a recovery code instead (it is used up).
    public func signInRecoveryCode(email: String, recoveryCode: String) throws -> LoginOutcome {
        let state = try member(email)
        if let until = state.lockedUntil { return .locked(until: until) }
        guard state.twoFactor == .active else { return .wrongCode }
        return try recoveryCodeStep(recoveryCode, state: state)
    }

    private func passwordStep(email: String, password: String) throws -> (outcome: LoginOutcome, state: MemberLoginState?) {
        guard let state = try MemberLoginState.read(email: email, from: connection) else {
            Self.burnPasswordCheck(password)
            return (.wrongPassword, nil)
        }
        if let until = state.lockedUntil { return (.locked(until: until), nil) }
        let hash = try PasswordHash(encoded: state.passwordHash)
        guard hash.matches(password) else { return (try failure(state, .wrongPassword), nil) }
        guard state.twoFactor == .active else {
            if state.mandatory { return (.setupRequired, state) }
            try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
            return (.signedIn(method: .password), state)
        }
        return (.codeRequired, state)
    }

    /// Checks a TOTP code. A wrong one is also located within ±10 minutes, and only that offset
    /// is recorded with the failure, so support can tell a phone whose clock is wrong.
    private func codeStep(_ code: String, state: MemberLoginState) throws -> LoginOutcome {
        let now = clock.unixTime
        let totp = try state.totp(try requireSecrets())
        switch state.verify(code, with: totp, at: now) {
        case .accepted(let step):
            let offset = Int(Int64(step) - Int64(try totp.step(at: now)))
            let fresh = try connection.query(
                "SELECT portal_api.accept_step($1::bigint, $2::bigint, $3::int)", [state.memberID, Int64(step), offset])
                .single().decode(Bool.self, at: 0)
            guard fresh else { return .replayedCode }
        case .replayed:
            return .replayedCode
        case .rejected:
            let offset = (try? totp.clockOffset(of: code, at: now)) ?? nil
            let row = try connection.query(
                "SELECT portal_api.record_code_failure($1::bigint, $2::int)", [state.memberID, offset]).single()
            if let until = try row.decode(PGTimestamp?.self, at: 0) { return .locked(until: until) }
            return .wrongCode
        }
        try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
        return .signedIn(method: .totp)
    }

    private func recoveryCodeStep(_ recoveryCode: String, state: MemberLoginState) throws -> LoginOutcome {
        // The database refuses while locked and records a wrong code itself, in the same call.
        let row = try connection.query(
            "SELECT used, locked_until FROM portal_api.sign_in_with_recovery_code($1::bigint, $2)",
            [state.memberID, recoveryCode]).single()
        if let until = try row.decode(PGTimestamp?.self, column: "locked_until") { return .locked(until: until) }
        guard try row.decode(Bool.self, column: "used") else { return .wrongCode }
        try connection.query("SELECT portal_api.record_login($1::bigint)", [state.memberID])
        return .signedIn(method: .recoveryCode)
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
