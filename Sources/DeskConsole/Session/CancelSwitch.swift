import PGClient
import Synchronization

/// Lets Ctrl-C cancel the query that is running, or stop the wait for a lost server, and
/// nothing else: the signal thread calls `cancel()`, which reaches the server only while a
/// command is armed, and ends a reconnect wait only while one is going on.
public final class CancelSwitch: Sendable {
    private struct State {
        var token: PGCancelToken?
        var armed = false
        var waiting = false
        var waitStopped = false
    }
    private let state = Mutex(State())

    public init() {}

    /// Sends a cancel request for the running query, if any, or stops a reconnect wait. True
    /// when a command was running (whether or not the request got through) or a wait was
    /// going on; false at a prompt.
    @discardableResult
    public func cancel() -> Bool {
        let (armed, token, waiting) = state.withLock { state in
            if state.waiting { state.waitStopped = true }
            return (state.armed, state.token, state.waiting)
        }
        if waiting { return true }
        guard armed else { return false }
        _ = try? token?.cancel()
        return true
    }

    func install(_ token: PGCancelToken?) { state.withLock { $0.token = token } }

    func arm(_ armed: Bool) { state.withLock { $0.armed = armed } }

    /// Marks the start (true) or end (false) of a wait that Ctrl-C may stop.
    func waiting(_ waiting: Bool) {
        state.withLock {
            $0.waiting = waiting
            $0.waitStopped = false
        }
    }

    /// Whether Ctrl-C came during the current wait.
    var waitStopped: Bool { state.withLock { $0.waitStopped } }
}
