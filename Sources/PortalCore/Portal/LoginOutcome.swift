import DeskDatabase
public import PGClient

/// What the portal tells someone who tries to sign in.
public enum LoginOutcome: Sendable, Equatable {
    /// Signed in; `method` says what the second factor was, if any.
    case signedIn(method: LoginMethod)
    /// The password was right and 2FA is on: ask for the 6-digit code.
    case codeRequired
    /// The customer enforces 2FA and this member has none yet: they must set it up first.
    case setupRequired
    /// Unknown email or wrong password (deliberately not told apart).
    case wrongPassword
    /// The code (or recovery code) is not valid.
    case wrongCode
    /// The code was valid but has already been used.
    case replayedCode
    /// Too many failures: logins are refused until then.
    case locked(until: PGTimestamp)

    /// The stable name scripts see in JSON.
    public var name: String {
        switch self {
        case .signedIn: return "signed_in"
        case .codeRequired: return "code_required"
        case .setupRequired: return "setup_required"
        case .wrongPassword: return "wrong_password"
        case .wrongCode: return "wrong_code"
        case .replayedCode: return "replayed_code"
        case .locked: return "locked"
        }
    }
}

/// How a successful sign-in was completed.
public enum LoginMethod: String, Sendable, Equatable {
    /// Password alone (2FA is off).
    case password
    /// Password and a TOTP code.
    case totp
    /// Password and a recovery code, which is now used up.
    case recoveryCode = "recovery_code"
}

/// A portal action refused before it reached the database's rules.
public enum PortalActionError: Error, Equatable, CustomStringConvertible {
    /// No team member has this email.
    case memberNotFound(String)
    /// The member has no active 2FA.
    case notEnrolled(String)
    /// The member has no pending set-up.
    case noPendingEnrolment(String)
    /// The TOTP code is not valid now.
    case wrongCode
    /// The TOTP code was already used.
    case replayedCode

    public var description: String {
        switch self {
        case .memberNotFound(let email): return "no team member \(email)"
        case .notEnrolled(let email): return "\(email) does not have 2FA enabled"
        case .noPendingEnrolment(let email): return "\(email) has no pending 2FA set-up (run `portal 2fa setup` first)"
        case .wrongCode: return "the code is not valid (check the phone's clock, then use the current code)"
        case .replayedCode: return "that code was already used; wait for the next one"
        }
    }
}
