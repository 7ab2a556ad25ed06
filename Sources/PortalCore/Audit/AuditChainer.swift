import DeskDatabase
public import PGClient

/// The trusted side of the audit log. Calls that act only stage their events, so no agent's
/// open transaction can hold the chain; the chainer moves committed staged events into the hash
/// chain, in the order it sees them commit. Run it as a role in `audit_chainer` (`portal chain`).
public struct AuditChainer {
    /// A connection as a member of `audit_chainer` (or a superuser).
    public let connection: PGConnection
    /// How many events one transaction chains at most.
    public let batchSize: Int

    /// Wraps a connection; `batchSize` bounds each transaction, so a backlog never holds the
    /// chain head long.
    public init(connection: PGConnection, batchSize: Int = 1000) {
        self.connection = connection
        self.batchSize = batchSize
    }

    /// The channel every staged event is announced on when its transaction commits.
    public static let stagedChannel = "supportdesk_audit_staged"

    /// Subscribes this session to staged-event announcements, so `waitForStaged` wakes as soon
    /// as any transaction that staged an event commits.
    public func listen() throws {
        try connection.query("LISTEN \(Self.stagedChannel)")
    }

    /// Sleeps until an announcement arrives or `timeout` seconds pass; true when one arrived.
    /// The timeout is a safety net only: announcements are sent on commit, after `listen()`.
    @discardableResult
    public func waitForStaged(timeout: Double) throws -> Bool {
        !(try connection.waitForNotifications(timeout: timeout)).isEmpty
    }

    /// Deletes the secrets of credentials suspended by support disables whose dispute window has
    /// passed; returns how many. The chainer is the trusted job that runs all the time, so it
    /// does this each time round its loop.
    @discardableResult
    public func purgeExpiredSuspensions() throws -> Int {
        try connection.query("SELECT portal.purge_suspended_credentials()").single().decode(Int.self, at: 0)
    }

    /// Chains every event committed by now, in batches; returns how many it chained.
    @discardableResult
    public func chainPending() throws -> Int {
        var total = 0
        while true {
            let chained = try connection.query("SELECT portal.chain_staged($1::int)", [batchSize]).single().decode(Int.self, at: 0)
            total += chained
            if chained < batchSize { return total }
        }
    }
}
