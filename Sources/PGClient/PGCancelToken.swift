import CLibPQ

/// Asks the server to cancel whatever the connection is running, from any thread (PQcancel is
/// thread-safe); a signal handler should wake a thread that calls it.
///
/// This is how Ctrl-C stops a slow query without closing the console. The cancelled statement
/// fails with SQLSTATE 57014; the connection stays usable.
public final class PGCancelToken: @unchecked Sendable {
    // PGcancel is immutable after PQgetCancel and PQcancel only reads it: sharing is safe.
    private let request: OpaquePointer

    init?(_ connection: OpaquePointer) {
        guard let cancel = PQgetCancel(connection) else { return nil }
        self.request = cancel
    }

    deinit { PQfreeCancel(request) }

    /// Sends the cancel request, or throws libpq's reason if it could not be sent. A request
    /// that arrives when nothing is running is harmless.
    public func cancel() throws(PGError) {
        var buffer = [CChar](repeating: 0, count: 256)
        guard PQcancel(request, &buffer, Int32(buffer.count)) == 1 else {
            let reason = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw PGError(.connectionLost, message: "the cancel request was not sent: \(reason)")
        }
    }
}

extension PGConnection {
    /// A token that cancels this connection's running statement. Fetch a new one after `reset()`:
    /// the server identifies the session by a key that changes on reconnect.
    public func makeCancelToken() throws(PGError) -> PGCancelToken {
        let connection = try liveHandle()
        guard let token = PGCancelToken(connection) else {
            throw PGError(.connectionLost, message: "cannot create a cancel request: \(String(cString: PQerrorMessage(connection)))")
        }
        return token
    }
}
