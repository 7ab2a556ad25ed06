import ProcessTesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient

/// A primary and a streaming hot standby of it, for failover tests: both started by
/// `scripts/pg-cluster` (the standby with `pg_basebackup -R`, synchronous replication on, so a
/// commit a client saw is on the standby too), with the migrated `portal` database on them.
/// Tests stop the primary as a crash would and promote the standby, as an HA manager does.
///
/// It is separate from the shared test cluster, which must stay up for every other test;
/// `stop()` ends both servers and removes their folders.
public final class ReplicatedCluster: Sendable {
    /// The folder holding both servers.
    public let directory: String
    /// The database every URI names.
    public static let database = "portal"

    /// Starts both servers and migrates the database on the primary (the standby follows).
    public init() throws {
        let base = ProcessInfo.processInfo.environment["SUPPORT_DESK_TEST_TMPDIR"] ?? "/tmp"
        directory = base + "/sd-fo-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        do {
            _ = try ClusterScript.run(["start", primaryDirectory, "--ephemeral"])
            let admin = try PGConnection(Self.uri(primaryDirectory, database: "postgres"))
            defer { admin.close() }
            try admin.query("CREATE DATABASE \(Self.database)")
            let connection = try PGConnection(Self.uri(primaryDirectory))
            defer { connection.close() }
            _ = try MigrationRunner(migrations: MigrationSource.load(folder: ClusterScript.repositoryRoot + "/sql/migrations")).migrate(connection)
            _ = try ClusterScript.run(["standby", standbyDirectory, primaryDirectory, "--synchronous"])
        } catch {
            stop()
            throw error
        }
    }

    var primaryDirectory: String { directory + "/primary" }
    var standbyDirectory: String { directory + "/standby" }

    static func uri(_ directory: String, database: String = ReplicatedCluster.database, user: String = "postgres") -> String {
        "postgresql:///\(database)?host=\(directory)/socket&user=\(user)"
    }

    /// The primary alone, as `user`.
    public func primaryURI(user: String = "postgres") -> String { Self.uri(primaryDirectory, user: user) }

    /// The standby alone, as `user`.
    public func standbyURI(user: String = "postgres") -> String { Self.uri(standbyDirectory, user: user) }

    /// Both servers, as an HA client names them: `host=primary,standby` with `target_session_attrs`.
    public func failoverURI(user: String, attributes: String = "read-write") -> String {
        "postgresql:///\(Self.database)?host=\(primaryDirectory)/socket,\(standbyDirectory)/socket&user=\(user)&target_session_attrs=\(attributes)"
    }

    /// The primary's socket folder, as the console names the server it reached.
    public var primarySocket: String { primaryDirectory + "/socket" }
    /// The standby's socket folder, as the console names the server it reached after a failover.
    public var standbySocket: String { standbyDirectory + "/socket" }

    /// Waits until the standby has replayed everything the primary has written.
    public func waitForStandby() throws {
        let primary = try PGConnection(primaryURI())
        defer { primary.close() }
        let target = try primary.query("SELECT pg_current_wal_lsn()::text").single().decode(String.self, at: 0)
        let standby = try PGConnection(standbyURI())
        defer { standby.close() }
        for _ in 0..<400 {
            if try standby.query("SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", [target]).single().decode(Bool.self, at: 0) { return }
            Thread.sleep(forTimeInterval: 0.025)
        }
        throw ClusterError(message: "the standby did not catch up with \(target)")
    }

    /// The primary's WAL sender process: held still (SIGSTOP), it sends nothing more, so a
    /// commit waits for a standby that never gets it.
    public func walSenderPID() throws -> Int32 {
        let primary = try PGConnection(primaryURI())
        defer { primary.close() }
        guard let row = try primary.query("SELECT pid FROM pg_stat_replication").rows.first else {
            throw ClusterError(message: "the primary has no WAL sender")
        }
        return try row.decode(Int32.self, at: 0)
    }

    /// Stops the primary as a crash would (`pg_ctl stop -m immediate`). A WAL sender held with
    /// SIGSTOP (`heldSender`) cannot hear the stop; it is killed, so whatever it had not sent
    /// is never sent.
    public func crashPrimary(heldSender: Int32? = nil) throws {
        guard let heldSender else {
            _ = try ClusterScript.run(["stop", primaryDirectory, "--immediate"])
            return
        }
        let stopping = try ProcessRunner.start(ClusterScript.repositoryRoot + "/scripts/pg-cluster", ["stop", primaryDirectory, "--immediate"], input: Data())
        Thread.sleep(forTimeInterval: 0.3)
        kill(heldSender, SIGKILL)
        let stopped = try stopping.wait()
        guard stopped.status == 0 else { throw ClusterError(message: "the primary did not stop: \(stopped.standardError)") }
    }

    /// Makes the standby the primary (`pg_ctl promote`).
    public func promoteStandby() throws { _ = try ClusterScript.run(["promote", standbyDirectory]) }

    /// Stops both servers and removes their folders.
    public func stop() {
        _ = try? ClusterScript.run(["stop", standbyDirectory, "--remove"])
        _ = try? ClusterScript.run(["stop", primaryDirectory, "--remove"])
        try? FileManager.default.removeItem(atPath: directory)
    }
}
