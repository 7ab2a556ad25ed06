public import PGClient

/// A database of its own for one test, dropped when the test is done with it.
public struct TestDatabase: Sendable {
    /// The cluster it lives in.
    public let cluster: PostgresCluster
    /// The database's name.
    public let name: String

    /// The URI as the superuser, or as another role.
    public func uri(user: String = "postgres") -> String {
        cluster.uri(database: name, user: user)
    }

    /// Opens a connection as the superuser, or as another role.
    public func connect(user: String = "postgres") throws(PGError) -> PGConnection {
        try PGConnection(uri(user: user))
    }

    /// Drops the database, ending any sessions still connected to it.
    public func drop() throws {
        let admin = try cluster.adminConnection()
        defer { admin.close() }
        try admin.query("DROP DATABASE IF EXISTS \(try admin.quoteIdentifier(name)) WITH (FORCE)")
    }
}

/// Runs `body` with a fresh database cloned from `template`, and drops it afterwards whether
/// `body` succeeded or not.
public func withTestDatabase<T>(
    _ template: DatabaseTemplate = .empty, _ body: (TestDatabase) throws -> T
) throws -> T {
    let database = try PostgresCluster.shared().createDatabase(from: template)
    defer { try? database.drop() }
    return try body(database)
}
