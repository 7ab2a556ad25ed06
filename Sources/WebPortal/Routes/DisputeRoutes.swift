import DeskDatabase
import Foundation
import Hummingbird
import PGClient
import PortalCore

/// "This wasn't me": the page a member's dispute link opens, and its confirmation. The visitor
/// need not be signed in (the link is the proof, single-use and hashed in the database); the
/// form carries a CSRF token tied to a form cookie, as the sign-in form does.
extension PortalSite {
    func addDisputeRoutes(to router: Router<PortalRequestContext>) {
        router.get("/dispute/:token") { request, context in try await self.disputePage(request, context) }
        router.post("/dispute/:token") { request, context in try await self.confirmDispute(request, context) }
    }

    private func disputeToken(_ context: PortalRequestContext) -> DisputeToken? {
        context.parameters.get("token").flatMap { DisputeToken(String($0)) }
    }

    private func disputePage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        guard let token = disputeToken(context),
              let summary = try await portal({ try $0.dispute(token) }) else { return linkNotUsable() }
        let existing = SessionCookies.token(request, named: SessionCookies.form)
        let formCookie = existing ?? SessionToken.generate()
        var values = frame(nil, title: "Was this you?", csrf: formCookie.formToken)
        values["disabledAt"] = "\(Self.day(summary.disabledAt)) at \(Self.clockTime(summary.disabledAt))"
        values["who"] = summary.wasOverride ? "support supervisor \(summary.agent)" : "support agent \(summary.agent)"
        values["email"] = summary.email
        values["account"] = summary.accountNumber
        values["ticket"] = summary.ticket
        values["until"] = "\(Self.day(summary.disputeUntil)) at \(Self.clockTime(summary.disputeUntil))"
        values["token"] = token.pathComponent
        var response = pages.page("dispute", values, noStore: true)
        if existing == nil { SessionCookies.set(&response, SessionCookies.form, formCookie) }
        return response
    }

    private func confirmDispute(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let formCookie = SessionCookies.token(request, named: SessionCookies.form),
              let csrf = form["csrf"], formCookie.accepts(formToken: csrf) else { throw PortalPageError.formExpired }
        guard let token = disputeToken(context) else { return linkNotUsable() }
        let done = try await portal { api -> Bool in
            do {
                try api.confirmDispute(token)
                return true
            } catch let error as PGError where PortalRefusal(error)?.code == .disputeLinkNotUsable {
                return false
            }
        }
        guard done else { return linkNotUsable() }
        var values = frame(nil, title: "Two-factor authentication is back on")
        values["heading"] = "Two-factor authentication is back on"
        values["message"] = "Your authenticator app works again, every session of yours was signed out, and your administrators were told. Sign in with your password and a code from your app; you will then get new recovery codes (the old ones no longer work)."
        var response = pages.page("message", values, noStore: true)
        SessionCookies.clear(&response, SessionCookies.session)
        SessionCookies.clear(&response, SessionCookies.form)
        return response
    }

    /// The one answer for an unknown, used or expired link: which it was is nobody's business.
    private func linkNotUsable() -> Response {
        var values = frame(nil, title: "This link cannot be used")
        values["heading"] = "This link cannot be used"
        values["message"] = "It may be mistyped, already used, or older than its time. If your sign-in was changed without you, call support."
        return pages.page("message", values, status: .notFound, noStore: true)
    }
}
