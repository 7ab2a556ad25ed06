import DeskDatabase
import Hummingbird
import PortalCore

/// A request's valid session, as the database confirmed it, and the stage it may act in.
struct Visit: Sendable {
    /// The cookie's token.
    let token: SessionToken
    /// The session and its member.
    let session: WebSession

    /// The stage the pages honour: a signed-in member of a customer that now enforces 2FA,
    /// without 2FA, may only set it up (whenever the administrator turned it on).
    var stage: SessionStage {
        if session.stage == .signedIn && session.mandatory && session.twoFactor != .active { return .setup }
        return session.stage
    }
}

extension PortalSite {
    /// The request's session, or nil when it has none that is valid.
    func visit(_ request: Request) async throws -> Visit? {
        guard let token = SessionCookies.token(request, named: SessionCookies.session) else { return nil }
        guard let session = try await portal({ try $0.session(token) }) else { return nil }
        return Visit(token: token, session: session)
    }

    /// A page's session, which must be at one of `stages`; else the visitor is sent where
    /// their sign-in stands (the response to return instead).
    func page(_ request: Request, stages: Set<SessionStage>) async throws -> Result<Visit, RedirectInstead> {
        guard let visit = try await visit(request) else { return .failure(RedirectInstead(location: "/sign-in")) }
        guard stages.contains(visit.stage) else { return .failure(RedirectInstead(location: Self.home(of: visit.stage))) }
        return .success(visit)
    }

    /// A form post: the body is read with the portal's limits, the session must be valid and at
    /// one of `stages`, and the form's CSRF token must be this session's (403 otherwise).
    func post(_ request: Request, stages: Set<SessionStage>) async throws -> (Visit, FormBody) {
        let form = try await FormBody.read(request)
        guard let visit = try await visit(request) else { throw PortalPageError.sessionEnded }
        guard let csrf = form["csrf"], visit.token.accepts(formToken: csrf) else { throw PortalPageError.formExpired }
        guard stages.contains(visit.stage) else {
            throw PortalPageError(.forbidden, title: "Not yet",
                                  message: visit.stage == .setup
                                      ? "Your organisation requires two-factor authentication: set it up first."
                                      : "Finish signing in first.")
        }
        return (visit, form)
    }

    /// Where a session at `stage` belongs.
    static func home(of stage: SessionStage) -> String {
        switch stage {
        case .code: return "/sign-in/code"
        case .setup, .signedIn: return "/security"
        }
    }
}

/// The redirect a page answers with when the visitor's session cannot open it.
struct RedirectInstead: Error {
    let location: String
    var response: Response { PageRenderer.redirect(location) }
}
