/// Whose support disable also needs a code mailed to the member's address on file
/// (`portal.settings.second_channel_for`). Mirrors the SQL domain `portal.second_channel_policy`;
/// a test holds the two equal, so a value added on one side fails until the other follows.
public enum SecondChannelPolicy: String, Sendable, CaseIterable, Codable {
    /// Only the customers' administrators (the default: they are the attackers' favourite target).
    case administrators
    /// Every member.
    case everyone
    /// Nobody: a disable needs the recovery code alone, as before.
    case nobody
}
