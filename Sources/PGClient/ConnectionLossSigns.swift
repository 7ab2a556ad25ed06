import CLibPQ

/// How a failed call shows that the session is gone, whatever `PQstatus` says yet.
///
/// A server stopped with `pg_ctl stop -m immediate`, or killed, leaves a client whose next
/// statement fails with libpq's own "server closed the connection unexpectedly"; depending on
/// timing, the connection's status can still read OK at that moment. Callers must treat such a
/// failure as a lost connection (reconnect, settle what was in flight) rather than as the
/// server refusing the statement, so the signs are read from the call itself.
enum ConnectionLossSigns {
    /// SQLSTATEs after which the server ends the session: admin shutdown, crash shutdown,
    /// cannot connect now, and every connection exception (class 08).
    static func endsSession(_ state: String) -> Bool {
        state == "57P01" || state == "57P02" || state == "57P03" || state.hasPrefix("08")
    }

    /// True when the failed call (its result, or the notices that came with it) means the
    /// connection is gone: no result at all, an error libpq made itself (no SQLSTATE: the server
    /// never answered), a FATAL or PANIC (the server ends the session after one), a shutdown
    /// code, or a shutdown warning sent just before the server went away.
    static func fromCall(result: OpaquePointer?, notices: [PGNotice]) -> Bool {
        if notices.contains(where: { $0.sqlState.map { endsSession($0.rawValue) } ?? false }) { return true }
        guard let result else { return true }
        guard let state = errorField(result, .sqlState) else { return true }
        if let severity = errorField(result, .severity), severity == "FATAL" || severity == "PANIC" { return true }
        return endsSession(state)
    }
}
