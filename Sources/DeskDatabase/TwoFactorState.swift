/// Whether a member has 2FA: off, set up but not confirmed, or active.
public enum TwoFactorState: String, Sendable, Equatable {
    case off, pending, active
}
