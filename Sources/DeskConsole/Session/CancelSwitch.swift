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
        var following = false
        var followStopped = false
    }
    private let state = Mutex(State())

    public init() {}

    /// Sends a cancel request for the running query, if any, or stops a reconnect wait or a
    /// `log follow`. True when a command was running (whether or not the request got through)
    /// or a wait was going on; false at a prompt.
    @discardableResult
    public func cancel() -> Bool {
        let (armed, token, waiting, following) = state.withLock { state in
            if state.waiting { state.waitStopped = true }
            if state.following { state.followStopped = true }
            return (state.armed, state.token, state.waiting, state.following)
        }
        // A follow stops between two reads, cleanly: cancelling its query would end it with
        // a failure instead.
        if waiting || following { return true }
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

    /// Stops a running `log follow`, and nothing else: what Ctrl-C does in a script, where it
    /// otherwise ends the process as it always did. False when no follow is running.
    public func stopFollowing() -> Bool {
        state.withLock { state in
            guard state.following else { return false }
            state.followStopped = true
            return true
        }
    }

    /// Marks the start (true) or end (false) of a `log follow` that Ctrl-C stops.
    func following(_ following: Bool) {
        state.withLock {
            $0.following = following
            $0.followStopped = false
        }
    }

    /// Whether Ctrl-C came during the current follow.
    var followStopped: Bool { state.withLock { $0.followStopped } }
}
