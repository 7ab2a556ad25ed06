/// A team member's place in their customer's account. Administrators may force mandatory 2FA
/// (the schema's `role` column allows exactly these).
public enum MemberRole: String, Sendable, CaseIterable, Codable {
    case administrator
    case member
}
