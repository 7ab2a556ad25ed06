/// Which support disables wait for a second approver (`portal.settings.approval_required_for`).
/// Each level covers the ones before it. The schema's list (`portal.approval_policies()`) is the
/// policy; a test holds this type equal to it so the console never words a level the database
/// does not have.
public enum ApprovalPolicy: String, Sendable, CaseIterable, Codable {
    /// Every disable takes effect at once, as before dual control.
    case nobody
    /// A supervisor's override (no code checked) waits for another supervisor: the default.
    case overrides
    /// Overrides, and any disable of a customer's administrator.
    case administrators
    /// Every support disable.
    case everyone
}
