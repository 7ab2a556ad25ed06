public import Hummingbird
public import Logging
import NIOCore
public import PortalCore
import ServiceLifecycle
import UnixSignals
public import TOTPCore

/// The portal on the web: members sign in with their second factor, set 2FA up with a QR
/// code, keep their recovery codes, and administrators force mandatory 2FA, all through the
/// same `portal_api` functions as the `portal` command.
public struct PortalServer: Sendable {
    /// How the server is set up.
    public struct Settings: Sendable {
        /// Where to listen.
        public var listen: ListenAddress
        /// The database (a role in `portal_app`, or one that may `SET ROLE portal_app`).
        public var connectionString: String
        /// The key TOTP secrets are sealed with.
        public var secrets: SecretBox
        /// The most database connections (and threads for blocking libpq calls).
        public var poolSize: Int
        /// The issuer shown in authenticator apps.
        public var issuer: String
        /// The clock codes are checked against.
        public var clock: any OTPClock

        /// Settings with the defaults `portal serve` uses.
        public init(listen: ListenAddress, connectionString: String, secrets: SecretBox, poolSize: Int = 8,
                    issuer: String = "SupportDesk Portal", clock: any OTPClock = SystemOTPClock()) {
            self.listen = listen
            self.connectionString = connectionString
            self.secrets = secrets
            self.poolSize = poolSize
            self.issuer = issuer
            self.clock = clock
        }
    }

    private let site: PortalSite
    private let settings: Settings

    /// Loads the pages and opens the (lazy) pool; nothing connects until the first request.
    public init(settings: Settings) async throws {
        self.settings = settings
        site = PortalSite(pool: DatabasePool(connectionString: settings.connectionString, size: settings.poolSize),
                          secrets: settings.secrets, pages: try await PageRenderer(), clock: settings.clock,
                          issuer: settings.issuer)
    }

    /// Every route and middleware, in the order requests pass them.
    public func router() -> Router<PortalRequestContext> {
        let router = Router(context: PortalRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ContentSecurityMiddleware<PortalRequestContext>(contentSecurityPolicy: [
            .defaultSrc(.self), .formAction(.self), .frameAncestors(.none), .baseURI(.none), .objectSrc(.none),
        ]))
        router.add(middleware: PrivacyHeadersMiddleware())
        router.add(middleware: ErrorPageMiddleware(pages: site.pages))
        site.addSignInRoutes(to: router)
        site.addSecurityRoutes(to: router)
        site.addTeamRoutes(to: router)
        site.addSessionRoutes(to: router)
        site.addDisputeRoutes(to: router)
        Self.refuseOtherMethods(on: router)
        return router
    }

    /// A page asked with a method it does not take answers 405 (its own error page), not 404:
    /// the path exists, the request is what is wrong.
    static func refuseOtherMethods(on router: Router<PortalRequestContext>) {
        var taken: [String: Set<HTTPRequest.Method>] = [:]
        for route in router.routes { taken["\(route.path)", default: []].insert(route.method) }
        for (path, methods) in taken {
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw HTTPError(.methodNotAllowed)
                }
            }
        }
    }

    /// The application: the routes on the listen address, with the pool as a service that is
    /// closed after the server has drained on graceful shutdown. `onRunning` hears the bound port.
    public func application(logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(
            router: router(),
            configuration: .init(address: .hostname(settings.listen.host, port: settings.listen.port), serverName: nil),
            services: [PoolService(pool: site.pool)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.listen.port) },
            logger: logger)
    }
}

extension PortalServer {
    /// Serves until SIGTERM or SIGINT, then shuts down gracefully: stops accepting, finishes
    /// the requests in flight, closes the database connections, and returns.
    public func runUntilSignalled(logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let group = ServiceGroup(configuration: .init(
            services: [application(logger: logger, onRunning: onRunning)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Keeps the pool for the server's lifetime and closes it on graceful shutdown.
struct PoolService: Service {
    let pool: DatabasePool

    func run() async throws {
        try? await gracefulShutdown()
        try await pool.close()
    }
}
