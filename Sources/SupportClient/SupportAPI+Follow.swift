import PGClient

/// What `log follow` needs of the database: a wake-up when the chain grows, and one link.
extension SupportAPI {
    /// The channel the chain head announces its new seq on, at commit (migration 0070). Only a
    /// wake-up call: any role may NOTIFY on any channel, so the follower reads the chain itself.
    public static let chainedChannel = "supportdesk_audit_chained"

    /// Subscribes this session to the announcements; call before reading where to start, so
    /// nothing chained in between goes unannounced.
    public func listenForChained() throws {
        try connection.query("LISTEN \(Self.chainedChannel)")
    }

    /// Ends the subscription (the session goes on to other commands).
    public func stopListeningForChained() throws {
        try connection.query("UNLISTEN \(Self.chainedChannel)")
    }

    /// Sleeps until an announcement arrives or `timeout` seconds pass; true when one arrived.
    public func waitForChained(timeout: Double) throws -> Bool {
        !(try connection.waitForNotifications(timeout: timeout)).isEmpty
    }

    /// The chained event `seq`, or nil when the chain does not reach it (supervisors).
    public func chainLink(seq: Int64) throws -> AuditChainLink? {
        var found: AuditChainLink?
        try forEachChainLink(after: seq - 1, limit: 1) { link in
            if link.seq == seq { found = link }
        }
        return found
    }
}
