import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

@Suite("Migrations")
struct MigrationTests {
    static let folder = ClusterScript.repositoryRoot + "/sql/migrations"

    @Test("applies every migration once, in order, and records a checksum for each")
    func appliesOnce() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            defer { connection.close() }
            let runner = MigrationRunner(migrations: try MigrationSource.load(folder: Self.folder))
            let first = try runner.migrate(connection)
            #expect(first.applied.map(\.version) == runner.migrations.map(\.version))
            #expect(first.alreadyApplied == 0)
            let second = try runner.migrate(connection)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == runner.migrations.count)
            let recorded = try connection.query("SELECT name, checksum FROM public.schema_migrations ORDER BY version").rows
            #expect(try recorded.map { try $0.decode(String.self, at: 0) } == runner.migrations.map(\.name))
            #expect(try recorded.map { try $0.decode(String.self, at: 1) } == runner.migrations.map(\.checksum))
        }
    }

    @Test("an applied migration that was edited later is refused before anything runs")
    func editedMigrationRefused() throws {
        try withTestDatabase(.migrated) { database in
            let connection = try database.connect()
            defer { connection.close() }
            var migrations = try MigrationSource.load(folder: Self.folder)
            let original = migrations[1]
            migrations[1] = Migration(version: original.version, name: original.name, sql: original.sql + "\n-- edited\n")
            migrations.append(Migration(version: 9999, name: "9999_never.sql", sql: "CREATE TABLE public.never_applied ()"))
            #expect(throws: MigrationError.edited(name: original.name, recorded: original.checksum, now: migrations[1].checksum)) {
                try MigrationRunner(migrations: migrations).migrate(connection)
            }
            let exists = try connection.query("SELECT to_regclass('public.never_applied') IS NOT NULL").single().decode(Bool.self, at: 0)
            #expect(!exists)
        }
    }

    @Test("a database migrated by a newer build is refused")
    func unknownAppliedRefused() throws {
        try withTestDatabase(.migrated) { database in
            let connection = try database.connect()
            defer { connection.close() }
            let migrations = Array(try MigrationSource.load(folder: Self.folder).dropLast())
            #expect(throws: MigrationError.self) { try MigrationRunner(migrations: migrations).migrate(connection) }
        }
    }

    @Test("a failing migration is rolled back whole and not recorded")
    func failingMigrationRolledBack() throws {
        try withTestDatabase(.migrated) { database in
            let connection = try database.connect()
            defer { connection.close() }
            let migrations = try MigrationSource.load(folder: Self.folder)
                + [Migration(version: 9000, name: "9000_broken.sql", sql: "CREATE TABLE public.half_done (); SELECT 1 / 0;")]
            #expect(throws: PGError.self) { try MigrationRunner(migrations: migrations).migrate(connection) }
            let table = try connection.query("SELECT to_regclass('public.half_done') IS NOT NULL").single().decode(Bool.self, at: 0)
            let recorded = try connection.query("SELECT count(*) FROM public.schema_migrations WHERE version = 9000").single().decode(Int.self, at: 0)
            #expect(!table && recorded == 0)
            // The advisory lock was released: another run can proceed.
            let other = try database.connect()
            defer { other.close() }
            #expect(try other.query("SELECT pg_try_advisory_lock($1::bigint)", [0x5344_4D49_4752 as Int64]).single().decode(Bool.self, at: 0))
        }
    }

    @Test("two deploys migrating at once apply each migration exactly once")
    func concurrentRunsSerialise() throws {
        try withTestDatabase { database in
            let migrations = try MigrationSource.load(folder: Self.folder)
            let uri = database.uri()
            let reports = concurrently(3) { _ in
                let connection = try PGConnection(uri)
                defer { connection.close() }
                return try MigrationRunner(migrations: migrations).migrate(connection).applied.count
            }
            let applied = try reports.map { try $0.get() }
            #expect(applied.sorted() == [0, 0, migrations.count])
        }
    }

    @Test("the folder loader refuses badly named and duplicate files")
    func folderRules() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sd-migrations-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: MigrationError.empty(path: folder)) { try MigrationSource.load(folder: folder) }
        try "SELECT 1".write(toFile: folder + "/0001_a.sql", atomically: true, encoding: .utf8)
        try "SELECT 2".write(toFile: folder + "/01_b.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.duplicateVersion(1)) { try MigrationSource.load(folder: folder) }
        try FileManager.default.removeItem(atPath: folder + "/01_b.sql")
        try "SELECT 3".write(toFile: folder + "/setup.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("setup.sql")) { try MigrationSource.load(folder: folder) }
        #expect(throws: MigrationError.folderUnreadable(path: folder + "/missing")) {
            try MigrationSource.load(folder: folder + "/missing")
        }
    }
}
