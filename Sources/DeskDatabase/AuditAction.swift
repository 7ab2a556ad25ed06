/// What an audit event records. The schema's list (`portal.audit_actions()`) is the policy; this
/// type is its shape on the Swift side, and a test holds the two equal, so filters, help text
/// and decoding all derive from it instead of repeating the names.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case twoFactorEnabled = "2fa_enabled"
    case twoFactorDisabledSelf = "2fa_disabled_self"
    case twoFactorDisabledSupport = "2fa_disabled_support"
    case twoFactorDisabledOverride = "2fa_disabled_override"
    case recoveryVerified = "recovery_verified"
    case recoveryFailed = "recovery_failed"
    case recoveryLocked = "recovery_locked"
    case agentLocked = "agent_locked"
    case lockCleared = "lock_cleared"
    case mandatoryOn = "mandatory_on"
    case mandatoryOff = "mandatory_off"
    case recoveryCodesRegenerated = "recovery_codes_regenerated"
    case loginRecoveryCode = "login_recovery_code"
    case lookupLimitLifted = "lookup_limit_lifted"
    case twoFactorDisputed = "2fa_disputed"
    case emailCodeSent = "email_code_sent"
    case emailCodeFailed = "email_code_failed"
    case reviewApproved = "review_approved"
    case reviewConcern = "review_concern"
    case disableRequested = "disable_requested"
    case disableApproved = "disable_approved"
    case disableRejected = "disable_rejected"

    /// The names as typed and stored, in the schema's order: for help text and refusals.
    public static var names: [String] { allCases.map(\.rawValue) }
}
