/// Whose code checks a lock stops: the member's (too many wrong codes for them) or the agent's
/// (too many wrong codes across members). Stored as `user` or `agent`.
public enum LockScope: String, Sendable, Equatable {
    case member = "user"
    case agent
}
