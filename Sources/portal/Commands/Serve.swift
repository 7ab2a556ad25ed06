import CommandLineSupport
import ArgumentParser
import DeskDatabase
import Foundation
import Logging
import PGClient
import PortalCore
import Synchronization
import WebPortal

/// `portal serve [--listen HOST:PORT] [--db URI]`: the web portal.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the web portal (sign-in with 2FA, Security and Team pages) until SIGTERM or SIGINT.",
        discussion: """
            Connects as a role that is a member of portal_app (every connection does SET ROLE
            portal_app) and needs PORTAL_SECRET_KEY. Prints "listening on http://HOST:PORT" once
            it accepts requests; request logs (method, path, status, time) go to stderr. On SIGTERM
            it stops accepting, finishes the requests in flight, closes its connections and exits 0.
            Cookies are Secure: serve it over HTTPS (a TLS proxy in front), or on loopback, which
            browsers treat as secure. It never asks for a database password, since its pool
            reconnects unattended: give one with PGPASSWORD or a password file (~/.pgpass, PGPASSFILE).
            """)

    @Option(name: .long, help: "Address and port to listen on (port 0: any free port).")
    var listen = "127.0.0.1:8080"
    @Option(name: .long, help: "A PostgreSQL URI or key=value string (default: DATABASE_URL, then libpq defaults).")
    var db: String?
    @Option(name: .long, help: "Most database connections, and threads for their blocking calls (1-64).")
    var poolSize = 8

    func validate() throws {
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, like 127.0.0.1:8080 or [::1]:8080") }
        guard (1...64).contains(poolSize) else { throw ValidationError("--pool-size must be between 1 and 64") }
    }

    func run() throws {
        let address = ListenAddress(listen)!
        let secrets: SecretBox
        do { secrets = try SecretBox.fromEnvironment() } catch {
            StandardError.write("portal: \(error)")
            throw ExitCode(1)
        }
        let connectionString = DatabaseAddress.resolve(flag: db)
        try Self.checkDatabase(connectionString, source: DatabaseAddress.source(flag: db))

        var logger = Logger(label: "portal") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if !address.isLoopback {
            logger.notice("listening beyond loopback: serve this behind HTTPS, since the session cookie is Secure")
        }
        let settings = PortalServer.Settings(listen: address, connectionString: connectionString, secrets: secrets,
                                             poolSize: poolSize)
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let serviceLogger = logger
        Task {
            do {
                let server = try await PortalServer(settings: settings)
                try await server.runUntilSignalled(logger: serviceLogger) { port in
                    let host = address.host.contains(":") ? "[\(address.host)]" : address.host
                    FileHandle.standardOutput.write(Data("portal: listening on http://\(host):\(port)\n".utf8))
                }
            } catch {
                failure.withLock { $0 = String(describing: error) }
            }
            done.signal()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) {
            StandardError.write("portal: \(message)")
            throw ExitCode(1)
        }
    }

    /// Fails early, with the portal's exit statuses, when the database cannot be reached (2) or
    /// the role cannot act as portal_app (1). It never asks for a password: the pool opens and
    /// reopens connections unattended, each reading PGPASSWORD or the password file afresh.
    private static func checkDatabase(_ connectionString: String, source: String) throws {
        let connection: PGConnection
        do { connection = try PasswordSignIn.unattended(connectionString, program: "portal serve").open().connection } catch {
            StandardError.write("portal: could not connect (\(source)): \(error.message)")
            throw ExitCode(2)
        }
        defer { connection.close() }
        do {
            try connection.query("SET ROLE portal_app")
            try connection.query("SELECT 'portal_api.session(bytea)'::regprocedure")
        } catch {
            StandardError.write("portal: this role cannot serve the portal: \(error.message) (it must be a member of portal_app, on a migrated database)")
            throw ExitCode(1)
        }
    }
}
