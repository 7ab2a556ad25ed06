import CLibPQ

/// One connection to PostgreSQL through libpq.
///
/// libpq does the connecting, so everything psql users rely on works unchanged: URIs and
/// `key=value` strings, PG* environment variables, the service file, `.pgpass`, SSL settings and
/// multi-host failover with `target_session_attrs`. An empty connection string means "libpq's
/// defaults", exactly as for psql with no arguments.
///
/// A connection is used by one thread at a time (libpq's rule), so it is not `Sendable`;
/// cancelling from another thread goes through a `PGCancelToken`.
public final class PGConnection {
    var handle: OpaquePointer?
    let noticeBuffer = NoticeBuffer()

    /// Opens a connection and fails with `.connectionFailed` and libpq's own message; when the
    /// server wanted a password, the error's `passwordRequest` says whose (for a prompt).
    /// - Parameters:
    ///   - connectionString: a `postgresql://` URI, `key=value` pairs, or "" for defaults.
    ///   - password: a password the program's user typed, used instead of one from the string,
    ///     `PGPASSWORD` or `~/.pgpass`. It is kept by libpq for this connection only, so
    ///     `reset()` signs in again with it and nothing is written anywhere.
    public init(_ connectionString: String, password: String? = nil) throws(PGError) {
        guard !connectionString.utf8.contains(0), !(password?.utf8.contains(0) ?? false) else {
            throw PGError(.invalidParameter, message: "the connection string or password contains a NUL character")
        }
        // The user's string is expanded in place of dbname; client_encoding after it wins, so text
        // crosses the wire as UTF-8 whatever PGCLIENTENCODING says (Swift strings are UTF-8). It
        // goes in the start-up packet, costs no round trip, and survives PQreset. A typed
        // password comes last, so it wins over one in the string (as psql's prompt does).
        var parameters: [(keyword: String, value: String)] = [("dbname", connectionString), ("client_encoding", "UTF8")]
        if let password { parameters.append(("password", password)) }
        let connection = Self.connect(parameters)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            let request = connection.flatMap { PGPasswordRequest.read(from: $0) }
            PQfinish(connection)
            throw PGError(.connectionFailed, message: message, passwordRequest: request)
        }
        handle = connection
        installNoticeReceiver(on: connection)
    }

    /// PQconnectdbParams over keyword/value pairs, in order; later pairs override earlier ones.
    private static func connect(_ parameters: [(keyword: String, value: String)]) -> OpaquePointer? {
        // All strings NUL-terminated in one buffer; the two pointer arrays end with NULL.
        var storage: [CChar] = []
        var offsets: [Int] = []
        for text in parameters.map(\.keyword) + parameters.map(\.value) {
            offsets.append(storage.count)
            storage.append(contentsOf: text.utf8CString)
        }
        return storage.withUnsafeBufferPointer { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { buffer.baseAddress! + $0 }
            let keywords = Array(pointers[..<parameters.count]) + [nil]
            let values = Array(pointers[parameters.count...]) + [nil]
            return PQconnectdbParams(keywords, values, 1)
        }
    }

    deinit { close() }

    /// Ends the session. Further use throws `.connectionClosed`. Safe to call twice.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// True while the connection is open and healthy as far as libpq knows.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Re-establishes a lost connection with the same parameters (PQreset).
    public func reset() throws(PGError) {
        let connection = try liveHandle()
        noticeBuffer.notices.removeAll()    // the old session's last words are not the new one's
        PQreset(connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            throw PGError(.connectionFailed, message: String(cString: PQerrorMessage(connection)))
        }
    }

    /// The database name of the session.
    public var database: String { string(PQdb) }
    /// The role the session logged in as.
    public var user: String { string(PQuser) }
    /// The host (or socket directory) actually connected to.
    public var host: String { string(PQhost) }
    /// The port actually connected to.
    public var port: String { string(PQport) }

    /// The server version as an integer, e.g. 150018 for 15.18.
    public var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// The process id of the server backend, as `pg_backend_pid()` reports it.
    public var backendPID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// The socket libpq talks over (-1 when closed). Tests use it to cut a connection the way a
    /// network would, without the server noticing.
    public var socketDescriptor: Int32 {
        handle.map { PQsocket($0) } ?? -1
    }

    /// A server parameter reported at start-up or on change (`server_version`, `TimeZone`, …).
    public func parameterStatus(_ name: String) -> String? {
        guard let handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    /// Quotes a name for use as an identifier, for the few statements (CREATE DATABASE,
    /// CREATE ROLE) that cannot take parameters.
    public func quoteIdentifier(_ identifier: String) throws(PGError) -> String {
        let connection = try liveHandle()
        guard !identifier.utf8.contains(0) else {
            throw PGError(.invalidParameter, message: "an identifier cannot contain a NUL character")
        }
        guard let quoted = PQescapeIdentifier(connection, identifier, identifier.utf8.count) else {
            throw PGError(.invalidParameter, message: String(cString: PQerrorMessage(connection)))
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    func liveHandle() throws(PGError) -> OpaquePointer {
        guard let handle else { throw PGError(.connectionClosed, message: "the connection was closed") }
        return handle
    }

    private func string(_ read: (OpaquePointer?) -> UnsafeMutablePointer<CChar>?) -> String {
        guard let handle, let value = read(handle) else { return "" }
        return String(cString: value)
    }
}
