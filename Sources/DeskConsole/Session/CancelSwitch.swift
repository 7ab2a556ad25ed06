import PGClient
import Synchronization

/// Lets Ctrl-C cancel the query that is running, and nothing else: the signal thread calls
/// `cancel()`, which reaches the server only while a command is armed.
public final class CancelSwitch: Sendable {
    private struct State {
        var token: PGCancelToken?
        var armed = false
    }
    private let state = Mutex(State())

    public init() {}

    /// Sends a cancel request for the running query, if any. True when a command was running
    /// (whether or not the request got through), false at a prompt.
    @discardableResult
    public func cancel() -> Bool {
        let (armed, token) = state.withLock { ($0.armed, $0.token) }
        guard armed else { return false }
        _ = try? token?.cancel()
        return true
    }

    func install(_ token: PGCancelToken?) { state.withLock { $0.token = token } }

    func arm(_ armed: Bool) { state.withLock { $0.armed = armed } }
}
