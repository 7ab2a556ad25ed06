public import PGClient

/// What a dispute page shows before the member confirms: whose sign-in, which disable, by which
/// agent, until when the link works.
public struct DisputeSummary: Sendable, Equatable {
    public let email: String
    public let name: String
    public let accountNumber: String
    public let disabledAt: PGTimestamp
    /// The agent's login name.
    public let agent: String
    public let ticket: String?
    /// Whether a supervisor disabled without a recovery code.
    public let wasOverride: Bool
    public let disputeUntil: PGTimestamp
}
