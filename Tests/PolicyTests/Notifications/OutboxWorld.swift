import Foundation
import PGClient
import PortalCore
import ProcessTesting
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The notification tests' world: a migrated database, a login role in `notifier`, the outbox
/// written the way events write it (`portal.enqueue_notification`, as the superuser), and the
/// built `portal notify` delivering through msmtp to a real SMTP server on loopback.
struct OutboxWorld {
    let fixture: PortalFixture
    /// A login role in notifier, as production runs the worker.
    let notifier: String

    init(_ fixture: PortalFixture) throws {
        self.fixture = fixture
        notifier = "notifier_\(UUID().uuidString.prefix(8).lowercased())"
        try fixture.connection.query("CREATE ROLE \(notifier) LOGIN IN ROLE notifier")
    }

    var connection: PGConnection { fixture.connection }

    /// Writes one notification (committed unless the caller holds a transaction); returns its id.
    @discardableResult
    func enqueue(to recipient: String = "jane@acme.example", subject: String = "Two-factor authentication was turned off",
                 body: String = "Hello Jane,\nan agent turned off 2FA.\n", on connection: PGConnection? = nil) throws -> Int64 {
        try (connection ?? self.connection).query(
            "SELECT portal.enqueue_notification(7, '2fa_disabled_support', NULL, $1, 'member', $2, $3)",
            [recipient, subject, body]).single().decode(Int64.self, at: 0)
    }

    /// A row of the outbox as the tests look at it.
    struct Row {
        let state: NotificationState
        let attempts: Int
        let messageID: String
        let body: String
        let lastError: String?
        /// Seconds from now to the next try.
        let dueIn: Double
    }

    func row(_ id: Int64) throws -> Row {
        let row = try connection.query("""
            SELECT state, attempts, message_id, body, last_error,
                   extract(epoch FROM next_attempt_at - clock_timestamp())::float8
              FROM portal.notifications WHERE id = $1::bigint
            """, [id]).single()
        return Row(state: NotificationState(rawValue: try row.decode(String.self, at: 0))!, attempts: try row.decode(Int.self, at: 1),
                   messageID: try row.decode(String.self, at: 2), body: try row.decode(String.self, at: 3),
                   lastError: try row.decode(String?.self, at: 4), dueIn: try row.decode(Double.self, at: 5))
    }

    func count(_ state: NotificationState) throws -> Int {
        try connection.query("SELECT count(*)::int FROM portal.notifications WHERE state = $1", [state.rawValue])
            .single().decode(Int.self, at: 0)
    }

    /// Sets how often and after what waits a notification is tried.
    func setRetries(max: Int, backoff: [String]) throws {
        try connection.query("UPDATE portal.settings SET notification_max_attempts = $1::int, notification_backoff = $2::interval[]",
                             [max, "{" + backoff.map { "\"\($0)\"" }.joined(separator: ",") + "}"])
    }

    /// `portal notify --once` as the notifier role.
    func notifyOnce(sendmail: String, _ extra: [String] = []) throws -> ProcessOutput {
        try BuiltProduct.run("portal", ["notify", "--once", "--sendmail", sendmail, "--db", fixture.database.uri(user: notifier)] + extra)
    }

    /// `portal notify` as a service; waits until it listens, so a commit after this returns wakes it.
    func startService(sendmail: String, _ extra: [String] = []) throws -> RunningProcess {
        let before = try listeners()
        let service = try BuiltProduct.start("portal", ["notify", "--interval", "60", "--sendmail", sendmail,
                                                        "--db", fixture.database.uri(user: notifier)] + extra)
        let deadline = Date().addingTimeInterval(30)
        while try listeners().isSubset(of: before) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return service
    }

    /// Sessions of the notifier role that are past their LISTEN (a service that is ready): the
    /// worker listens, then looks at the outbox in a transaction.
    private func listeners() throws -> Set<Int32> {
        Set(try connection.query("""
            SELECT pid FROM pg_stat_activity
             WHERE usename = $1 AND datname = current_database()
               AND (query LIKE 'LISTEN%' OR query IN ('COMMIT', 'ROLLBACK') OR query LIKE '%claim_notification%')
            """, [notifier]).rows.map { try $0.decode(Int32.self, at: 0) })
    }

    func stop(_ service: RunningProcess) -> ProcessOutput? {
        kill(service.pid, SIGTERM)
        return try? service.wait()
    }

    func waitUntil(seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }
}

/// Runs `body` with an outbox world on a fresh database.
func withOutbox<T>(_ body: (OutboxWorld) throws -> T) throws -> T {
    try withPortalFixture { fixture in try body(try OutboxWorld(fixture)) }
}
