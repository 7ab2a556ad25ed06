import Foundation
public import PGClient
import Synchronization

/// The private PostgreSQL server that database tests run against: one per test process,
/// started on first use by `scripts/pg-cluster` (initdb in a temporary folder, Unix socket
/// only, fsync off) and stopped when the process exits.
///
/// Tests never share a database: each asks for a fresh one, cloned from a template so that
/// creating it takes milliseconds instead of re-running set-up.
public final class PostgresCluster: Sendable {
    /// The folder holding the cluster's data and socket.
    public let directory: String
    /// A URI for the `postgres` database as the superuser.
    public let adminURI: String

    /// Templates already built; held while one is built, so each is built exactly once.
    private let templates = Mutex<Set<String>>([])

    private init(directory: String, adminURI: String) {
        self.directory = directory
        self.adminURI = adminURI
    }

    /// The process-wide cluster, started on first call. Throws if PostgreSQL cannot start.
    public static func shared() throws -> PostgresCluster {
        try sharedCluster.get()
    }

    private static let sharedCluster: Result<PostgresCluster, ClusterError> = {
        let result = Result { () throws(ClusterError) -> PostgresCluster in try start() }
        if case .success(let cluster) = result {
            stopAtExit.withLock { $0 = cluster.directory }
            atexit { PostgresCluster.stopAtExitHandler() }
        }
        return result
    }()

    private static let stopAtExit = Mutex<String?>(nil)

    private static func stopAtExitHandler() {
        guard let directory = stopAtExit.withLock({ $0 }) else { return }
        _ = try? ClusterScript.run(["stop", directory, "--remove"])
    }

    private static func start() throws(ClusterError) -> PostgresCluster {
        let base = ProcessInfo.processInfo.environment["SUPPORT_DESK_TEST_TMPDIR"] ?? "/tmp"
        let directory = base + "/sd-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let output = try ClusterScript.run(["start", directory, "--ephemeral"])
        let uri = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard uri.hasPrefix("postgresql://") else { throw ClusterError(message: "unexpected output from pg-cluster: \(output)") }
        return PostgresCluster(directory: directory, adminURI: uri)
    }

    /// The URI of a database in this cluster, as a given role (default: the superuser).
    public func uri(database: String, user: String = "postgres") -> String {
        let safe = CharacterSet.alphanumerics.union(["/", "-", "_", "."])
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: safe)! }
        return "postgresql:///\(encode(database))?host=\(encode(directory))/socket&user=\(encode(user))"
    }

    /// Opens a superuser connection to the `postgres` database.
    public func adminConnection() throws(PGError) -> PGConnection {
        try PGConnection(adminURI)
    }

    /// Creates a new, empty database cloned from `template`, which is built on first use by
    /// `template.prepare` and then reused by every test in the process.
    public func createDatabase(from template: DatabaseTemplate = .empty) throws -> TestDatabase {
        try ensureTemplate(template)
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try adminConnection()
        defer { admin.close() }
        try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(name)) TEMPLATE \(try admin.quoteIdentifier(template.databaseName))")
        return TestDatabase(cluster: self, name: name)
    }

    private func ensureTemplate(_ template: DatabaseTemplate) throws {
        try templates.withLock { built in
            guard !built.contains(template.databaseName) else { return }
            let admin = try adminConnection()
            defer { admin.close() }
            let quoted = try admin.quoteIdentifier(template.databaseName)
            try admin.query("DROP DATABASE IF EXISTS \(quoted)")
            try admin.query("CREATE DATABASE \(quoted)")
            let connection = try PGConnection(uri(database: template.databaseName))
            defer { connection.close() }
            try template.prepare(connection)
            connection.close()
            try admin.query("ALTER DATABASE \(quoted) WITH ALLOW_CONNECTIONS false IS_TEMPLATE true")
            built.insert(template.databaseName)
        }
    }
}

/// How a template database is built once per test process.
public struct DatabaseTemplate: Sendable {
    /// The template's database name; templates with different contents need different names.
    public let databaseName: String
    /// Runs once against the new template database.
    public let prepare: @Sendable (PGConnection) throws -> Void

    /// Describes a template by name and set-up.
    public init(databaseName: String, prepare: @escaping @Sendable (PGConnection) throws -> Void) {
        self.databaseName = databaseName
        self.prepare = prepare
    }

    /// An empty database.
    public static let empty = DatabaseTemplate(databaseName: "sd_template_empty") { _ in }
}

/// Why the test cluster could not be started.
public struct ClusterError: Error, CustomStringConvertible {
    /// What went wrong, with the script's output.
    public let message: String
    public var description: String { message }
}
