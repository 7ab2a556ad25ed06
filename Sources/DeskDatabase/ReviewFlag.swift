/// Why a review item deserves a second look. The schema computes the flags
/// (`portal.review_flag_kinds()` names them, with their weights); this type is their shape on the
/// Swift side, and a test holds the two equal, so help text and decoding never drift from the
/// database.
public enum ReviewFlag: String, Sendable, CaseIterable, Codable {
    case disputed
    case administrator
    case newAddress = "new_address"
    case override
    case busyAgent = "busy_agent"
    case severalAgents = "several_agents"
    case mismatchesFirst = "mismatches_first"
    case notificationFailed = "notification_failed"
    case afterHours = "after_hours"

    /// The names as the database spells them, in its order (heaviest first).
    public static var names: [String] { allCases.map(\.rawValue) }
}
