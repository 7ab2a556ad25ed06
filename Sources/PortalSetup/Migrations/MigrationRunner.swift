import TOTPCore
import PortalCore
import DeskDatabase
public import PGClient

/// Applies migrations: each once, in order, each in its own transaction, all under one advisory
/// lock so two deploys at once cannot interleave, with a checksum recorded for each.
public struct MigrationRunner: Sendable {
    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Migrations applied by this run, in order.
        public let applied: [Migration]
        /// How many were already applied before it.
        public let alreadyApplied: Int
    }

    /// The lock key: "SDMIGR" as ASCII, so it cannot collide with another tool's by accident.
    static let advisoryLockKey: Int64 = 0x5344_4D49_4752

    /// The migrations this runner knows, in version order.
    public let migrations: [Migration]

    /// A runner for these migrations (already sorted by `MigrationSource`).
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Brings the database up to date. Refuses, before applying anything, when an applied
    /// migration was edited or the database knows one this build does not.
    public func migrate(_ connection: PGConnection) throws -> Report {
        try connection.query("SELECT pg_advisory_lock($1::bigint)", [Self.advisoryLockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [Self.advisoryLockKey]) }
        try connection.query("""
            CREATE TABLE IF NOT EXISTS public.schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
                applied_by  text NOT NULL DEFAULT session_user)
            """)
        let recorded = try appliedChecksums(connection)
        for (version, entry) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw MigrationError.unknownApplied(version: version, name: entry.name)
            }
            guard migration.checksum == entry.checksum else {
                throw MigrationError.edited(name: migration.name, recorded: entry.checksum, now: migration.checksum)
            }
        }
        var applied: [Migration] = []
        for migration in migrations where recorded[migration.version] == nil {
            try connection.transaction { connection in
                try connection.executeScript(migration.sql)
                // A migration may have SET LOCAL ROLE to the owner; the record is the migrator's.
                try connection.query("RESET ROLE")
                try connection.query(
                    "INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1::int, $2, $3)",
                    [migration.version, migration.name, migration.checksum])
            }
            applied.append(migration)
        }
        return Report(applied: applied, alreadyApplied: recorded.count)
    }

    /// Versions already applied, with the name and checksum recorded for each.
    func appliedChecksums(_ connection: PGConnection) throws -> [Int: (name: String, checksum: String)] {
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in try connection.query("SELECT version, name, checksum FROM public.schema_migrations").rows {
            recorded[try row.decode(Int.self, at: 0)] = (try row.decode(String.self, at: 1), try row.decode(String.self, at: 2))
        }
        return recorded
    }
}
