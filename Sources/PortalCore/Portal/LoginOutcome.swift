public import DeskDatabase
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

extension PortalRefusal {
    /// The portal's own refusals, made before or instead of asking the database (the secret is
    /// the portal's alone), with the same codes and contract as the database's.
    /// No team member has this email.
    public static func memberNotFound(_ email: String) -> PortalRefusal {
        PortalRefusal(code: .memberNotFound, message: "no team member \(email)")
    }
    /// The member has no active 2FA.
    public static func notEnrolled(_ email: String) -> PortalRefusal {
        PortalRefusal(code: .notEnrolled, message: "\(email) does not have 2FA enabled")
    }
    /// The member has no pending set-up to confirm.
    public static func noPendingEnrolment(_ email: String) -> PortalRefusal {
        PortalRefusal(code: .noPendingEnrolment, message: "\(email) has no pending 2FA set-up (run `portal 2fa setup` first)")
    }
    /// The TOTP code is not valid now.
    public static let wrongCode = PortalRefusal(code: .wrongCode, message: "the code is not valid (check the phone's clock, then use the current code)")
    /// The TOTP code was already used.
    public static let replayedCode = PortalRefusal(code: .replayedCode, message: "that code was already used; wait for the next one")
}
