import Hummingbird
import NIOCore
import PGClient
import PortalCore

/// Sign out, sign out everywhere, the health check and the stylesheet.
extension PortalSite {
    func addSessionRoutes(to router: Router<PortalRequestContext>) {
        router.post("/sign-out") { request, _ -> Response in
            let (visit, _) = try await self.post(request, stages: [.code, .setup, .signedIn])
            let token = visit.token
            try await self.portal { try $0.endSession(token) }
            return Self.signedOut("signed-out")
        }
        router.post("/sign-out-everywhere") { request, _ -> Response in
            let (visit, _) = try await self.post(request, stages: [.signedIn, .setup])
            let token = visit.token
            _ = try await self.portal { try $0.endAllSessions(token) }
            return Self.signedOut("signed-out-everywhere")
        }
        // A load balancer's question: can this instance reach its database?
        router.get("/healthz") { _, _ -> Response in
            try await self.pool.withConnection { connection in _ = try connection.query("SELECT 1") }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/static/portal.css") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: self.pages.stylesheet))
        }
    }

    private static func signedOut(_ notice: String) -> Response {
        var response = PageRenderer.redirect("/sign-in?notice=\(notice)")
        SessionCookies.clear(&response, SessionCookies.session)
        return response
    }
}
