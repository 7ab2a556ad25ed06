public import PGClient

/// Who and where a connection is, as shown in the console's banner and by `portal status`.
///
/// Read from the server rather than from the connection string, so it reports what libpq
/// actually reached (after defaults, service files and multi-host failover).
public struct ServerSummary: Sendable, Equatable {
    /// The database name.
    public let database: String
    /// The login role (`session_user`): the actor every audit event records.
    public let sessionUser: String
    /// The server's version string, e.g. `15.18`.
    public let serverVersion: String
    /// The host or socket directory reached.
    public let host: String
    /// The port reached.
    public let port: String
    /// Whether the server is a read-only standby.
    public let inRecovery: Bool

    /// Describes a server; `read(from:)` is the usual way to get one.
    public init(database: String, sessionUser: String, serverVersion: String, host: String, port: String, inRecovery: Bool) {
        self.database = database
        self.sessionUser = sessionUser
        self.serverVersion = serverVersion
        self.host = host
        self.port = port
        self.inRecovery = inRecovery
    }

    /// Asks the server.
    public static func read(from connection: PGConnection) throws(PGError) -> ServerSummary {
        let row = try connection.query(
            "SELECT current_database(), session_user::text, current_setting('server_version'), pg_is_in_recovery()"
        ).single()
        return ServerSummary(
            database: try row.decode(String.self, at: 0),
            sessionUser: try row.decode(String.self, at: 1),
            serverVersion: try row.decode(String.self, at: 2),
            host: connection.host,
            port: connection.port,
            inRecovery: try row.decode(Bool.self, at: 3))
    }
}
