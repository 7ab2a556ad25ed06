import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A notification delivered by `NOTIFY` (or `pg_notify`) on a channel this session listens on.
public struct PGNotification: Sendable, Equatable {
    /// The channel it was sent on.
    public let channel: String
    /// The payload ("" when none was given).
    public let payload: String
    /// The server process that sent it.
    public let senderPID: Int32
}

extension PGConnection {
    /// Waits until a notification arrives or `timeout` seconds pass, so a service can sleep on
    /// `LISTEN` instead of polling a table. Returns the notifications that arrived (empty on
    /// timeout). Issue `LISTEN channel` with `query` first. A broken connection throws
    /// `.connectionLost`.
    public func waitForNotifications(timeout: Double) throws(PGError) -> [PGNotification] {
        let connection = try liveHandle()
        var arrived = drainNotifications(connection)
        if !arrived.isEmpty { return arrived }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        guard descriptor.fd >= 0 else {
            throw PGError(.connectionLost, message: "the connection has no socket")
        }
        let milliseconds = Int32(max(0, min(timeout, 3600)) * 1000)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno != EINTR {
            throw PGError(.connectionLost, message: "waiting for a notification failed (errno \(errno))")
        }
        if ready > 0 {
            guard PQconsumeInput(connection) == 1 else {
                throw PGError(.connectionLost, message: String(cString: PQerrorMessage(connection)))
            }
            arrived = drainNotifications(connection)
        }
        return arrived
    }

    /// Takes every notification libpq has already read.
    private func drainNotifications(_ connection: OpaquePointer) -> [PGNotification] {
        var notifications: [PGNotification] = []
        while let notify = PQnotifies(connection) {
            let fields = notify.pointee
            notifications.append(PGNotification(
                channel: String(cString: fields.relname),
                payload: fields.extra.map { String(cString: $0) } ?? "",
                senderPID: fields.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }
}
