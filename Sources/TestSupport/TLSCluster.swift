import Foundation
import PortalSetup
import Synchronization
import PGClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL that agents reach as a real desk does: over TCP on 127.0.0.1 with TLS
/// only, by SCRAM password or by client certificate, started once per test process with the
/// same `scripts/pg-cluster start --tcp PORT --tls` people use, migrated, and stopped at exit.
///
/// The shared test cluster listens on its socket only, with trust; sign-in tests need a server
/// that asks for a password and checks certificates, so they get this one.
public final class TLSCluster: Sendable {
    /// The folder holding the cluster's data, socket and `tls/` (the throwaway CA and keys).
    public let directory: String
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The migrated database agents connect to.
    public let databaseName = "portal"

    private init(directory: String, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// The throwaway CA that signed the server's certificate (and client certificates).
    public var certificateAuthority: String { directory + "/tls/ca.crt" }

    /// The superuser's URI on the Unix socket (trusted), for setting things up.
    public func adminURI(database: String? = nil) -> String {
        "postgresql:///\(database ?? databaseName)?host=\(directory)/socket&port=\(port)&user=postgres"
    }

    /// A conninfo for `user` over TCP with `sslmode=verify-full` against the CA (or `rootCertificate`).
    public func conninfo(user: String, host: String = "localhost", rootCertificate: String? = nil, extra: String = "") -> String {
        "host=\(host) port=\(port) dbname=\(databaseName) user=\(user) sslmode=verify-full sslrootcert=\(rootCertificate ?? certificateAuthority) \(extra)"
    }

    /// Makes a client certificate for `role` signed by the cluster's CA (`scripts/pg-cluster
    /// client-cert`) and returns the `sslcert=… sslkey=…` words for a conninfo.
    public func clientCertificate(for role: String) throws(ClusterError) -> String {
        try ClusterScript.run(["client-cert", directory, role]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The process-wide TLS cluster, started on first call.
    public static func shared() throws -> TLSCluster {
        try sharedCluster.get()
    }

    private static let sharedCluster: Result<TLSCluster, any Error> = {
        let result = Result { () throws -> TLSCluster in try start() }
        if case .success(let cluster) = result {
            stopAtExit.withLock { $0 = cluster.directory }
            atexit { TLSCluster.stopAtExitHandler() }
        }
        return result
    }()

    private static let stopAtExit = Mutex<String?>(nil)

    private static func stopAtExitHandler() {
        guard let directory = stopAtExit.withLock({ $0 }) else { return }
        _ = try? ClusterScript.run(["stop", directory, "--remove"])
    }

    private static func start() throws -> TLSCluster {
        let base = ProcessInfo.processInfo.environment["SUPPORT_DESK_TEST_TMPDIR"] ?? "/tmp"
        let directory = base + "/sd-test-\(getpid())-tls\(UInt16.random(in: 0...UInt16.max))"  // scripts/test stops it if the run was killed
        let port = try freePort()
        let output = try ClusterScript.run(["start", directory, "--ephemeral", "--tcp", String(port), "--tls"])
        guard output.contains("CA: \(directory)/tls/ca.crt") else {
            throw ClusterError(message: "pg-cluster --tls printed no CA: \(output)")
        }
        let cluster = TLSCluster(directory: directory, port: port)
        let admin = try PGConnection(cluster.adminURI(database: "postgres"))
        try admin.query("CREATE DATABASE \(cluster.databaseName)")
        admin.close()
        let connection = try PGConnection(cluster.adminURI())
        defer { connection.close() }
        let migrations = try MigrationSource.load(folder: ClusterScript.repositoryRoot + "/sql/migrations")
        _ = try MigrationRunner(migrations: migrations).migrate(connection)
        return cluster
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now: the kernel picks it for a socket
    /// bound to port 0, which is then closed for the server to take.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError(message: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else { throw ClusterError(message: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
