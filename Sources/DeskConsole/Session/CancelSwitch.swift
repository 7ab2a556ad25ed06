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

    /// Sends a cancel request for the running query, if any. True when one was sent.
    @discardableResult
    public func cancel() -> Bool {
        guard let token = state.withLock({ $0.armed ? $0.token : nil }) else { return false }
        return (try? token.cancel()) != nil
    }

    func install(_ token: PGCancelToken?) { state.withLock { $0.token = token } }

    func arm(_ armed: Bool) { state.withLock { $0.armed = armed } }
}
