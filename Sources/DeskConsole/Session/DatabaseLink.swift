import Foundation
public import PGClient
import DeskDatabase
public import SupportClient

/// The console's one connection, and what it takes to get it back: libpq's reset with the same
/// parameters, a fresh cancel key for Ctrl-C, and the policy numbers read again.
public final class DatabaseLink {
    /// The agent's connection.
    public let connection: PGConnection
    /// Typed support calls on it.
    public let api: SupportAPI
    /// Ctrl-C's way to the running query.
    public let cancelSwitch = CancelSwitch()
    /// The server session (pid and start), read on connect and after every reconnect: a disable
    /// in flight remembers it, so a lost connection can tell whether the session ended.
    private(set) var session: SessionIdentity?

    /// Wraps an open connection.
    public init(connection: PGConnection) {
        self.connection = connection
        self.api = SupportAPI(connection: connection)
        cancelSwitch.install(try? connection.makeCancelToken())
        session = try? api.sessionIdentity()
    }

    /// The session identity, read now if connecting could not read it.
    func currentSession() throws -> SessionIdentity {
        if let session { return session }
        let read = try api.sessionIdentity()
        session = read
        return read
    }

    /// The server connected to, as `host:port` (a socket folder for a local server), to tell
    /// the agent when a reconnect reached another server.
    var serverName: String { "\(connection.host):\(connection.port)" }

    /// Whether the last thing libpq knows is a healthy connection.
    var isConnected: Bool { connection.isConnected }

    /// Connects again with the same parameters, trying until `limit` has passed: a failover
    /// takes seconds (the standby must notice and be promoted), and one try right after the
    /// loss would always fail. Tries are spaced 0.25 s, 0.5 s, 1 s, then every 2 s; Ctrl-C
    /// (through `cancelSwitch`) stops the wait. `waiting` hears once when the first try failed.
    func reconnect(within limit: Duration, waiting: (Duration) -> Void = { _ in }) throws(ReconnectFailure) {
        let deadline = ContinuousClock.now + limit
        var pause = Duration.milliseconds(250)
        var told = false
        cancelSwitch.waiting(true)
        defer { cancelSwitch.waiting(false) }
        while true {
            do {
                try connection.reset()
                cancelSwitch.install(try? connection.makeCancelToken())
                session = try? api.sessionIdentity()
                return
            } catch {
                let why = "could not reconnect: \(error.message.trimmingTrailingNewlines)"
                let now = ContinuousClock.now
                guard now < deadline else { throw .gaveUp(why) }
                if !told {
                    waiting(deadline - now)
                    told = true
                }
                let wake = min(now + pause, deadline)
                while ContinuousClock.now < wake {
                    if cancelSwitch.waitStopped { throw .stopped }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                if cancelSwitch.waitStopped { throw .stopped }
                pause = min(pause * 2, .seconds(2))
            }
        }
    }
}

/// Why a reconnect ended without a connection.
enum ReconnectFailure: Error {
    /// Every try failed until the time ran out; libpq's reason for the last one.
    case gaveUp(String)
    /// Ctrl-C stopped the wait.
    case stopped
}

extension String {
    /// libpq's messages end with a newline; a sentence should not.
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
