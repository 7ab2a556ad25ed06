import Foundation
import Hummingbird
import PortalCore
import TOTPCore

/// Sign-in, page by page: email and password, then the 6-digit code or a recovery code.
extension PortalSite {
    func addSignInRoutes(to router: Router<PortalRequestContext>) {
        router.get("/") { request, _ -> Response in
            let visit = try await self.visit(request)
            return PageRenderer.redirect(visit.map { Self.home(of: $0.stage) } ?? "/sign-in")
        }
        router.get("/sign-in") { request, _ in try await self.signInPage(request) }
        router.post("/sign-in") { request, context in try await self.signIn(request, context) }
        router.get("/sign-in/code") { request, _ in try await self.secondFactorPage(request, template: "code") }
        router.post("/sign-in/code") { request, _ in try await self.secondFactor(request, template: "code") }
        router.get("/sign-in/recovery") { request, _ in try await self.secondFactorPage(request, template: "recovery") }
        router.post("/sign-in/recovery") { request, _ in try await self.secondFactor(request, template: "recovery") }
    }

    private static let notices = [
        "signed-out": "You are signed out.",
        "signed-out-everywhere": "You are signed out on every device.",
        "ended": "Your session has ended. Sign in again.",
    ]

    private func signInPage(_ request: Request) async throws -> Response {
        if let visit = try await visit(request) { return PageRenderer.redirect(Self.home(of: visit.stage)) }
        let notice = request.uri.queryParameters["notice"].flatMap { Self.notices[String($0)] }
        return signInForm(request, error: nil, notice: notice, email: "")
    }

    /// The sign-in form, with the CSRF token derived from the visitor's form cookie (made now
    /// when the browser has none).
    private func signInForm(_ request: Request, error: String?, notice: String?, email: String,
                            status: HTTPResponse.Status = .ok) -> Response {
        let existing = SessionCookies.token(request, named: SessionCookies.form)
        let formCookie = existing ?? SessionToken.generate()
        var values = frame(nil, title: "Sign in", csrf: formCookie.formToken)
        values["error"] = error
        values["notice"] = notice
        values["email"] = email
        var response = pages.page("sign-in", values, status: status)
        if existing == nil { SessionCookies.set(&response, SessionCookies.form, formCookie) }
        return response
    }

    private func signIn(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let formCookie = SessionCookies.token(request, named: SessionCookies.form),
              let csrf = form["csrf"], formCookie.accepts(formToken: csrf) else { throw PortalPageError.formExpired }
        let email = try form.required("email", label: "email address")
        guard let password = form["password"], !password.isEmpty else {
            throw PortalPageError.badRequest("The form is missing the password.")
        }
        let token = SessionToken.generate()
        let client = context.clientAddress, agent = request.headers[.userAgent]
        let outcome = try await portal { api -> LoginOutcome in
            let (outcome, memberID) = try api.signInPassword(email: email, password: password)
            guard let memberID else { return outcome }
            switch outcome {
            case .signedIn(let method):
                try api.startSession(memberID: memberID, token: token, stage: .signedIn, method: method,
                                     clientAddress: client, userAgent: agent)
            case .codeRequired:
                try api.startSession(memberID: memberID, token: token, stage: .code, method: nil, clientAddress: client, userAgent: agent)
            case .setupRequired:
                try api.startSession(memberID: memberID, token: token, stage: .setup, method: nil, clientAddress: client, userAgent: agent)
            default: break
            }
            return outcome
        }
        let next: String
        switch outcome {
        case .signedIn, .setupRequired: next = "/security"
        case .codeRequired: next = "/sign-in/code"
        case .locked(let until):
            return signInForm(request, error: "Too many failed sign-ins. Signing in is locked until \(Self.clockTime(until)).",
                              notice: nil, email: email, status: .tooManyRequests)
        default:
            return signInForm(request, error: "The email address or password is not right.", notice: nil, email: email)
        }
        var response = PageRenderer.redirect(next)
        SessionCookies.set(&response, SessionCookies.session, token)
        SessionCookies.clear(&response, SessionCookies.form)
        return response
    }

    private func secondFactorPage(_ request: Request, template: String) async throws -> Response {
        switch try await page(request, stages: [.code]) {
        case .failure(let redirect): return redirect.response
        case .success(let visit): return secondFactorForm(visit, template: template, error: nil)
        }
    }

    private func secondFactorForm(_ visit: Visit, template: String, error: String?,
                                  status: HTTPResponse.Status = .ok) -> Response {
        var values = frame(visit, title: template == "code" ? "Enter your code" : "Use a recovery code")
        values["error"] = error
        return pages.page(template, values, status: status)
    }

    private func secondFactor(_ request: Request, template: String) async throws -> Response {
        let (visit, form) = try await post(request, stages: [.code])
        let field = template == "code" ? "code" : "recovery_code"
        let typed = try form.required(field, label: template == "code" ? "code" : "recovery code")
        let newToken = SessionToken.generate()
        let email = visit.session.email, token = visit.token
        let memberID = visit.session.memberID
        let (outcome, owedCodes) = try await portal { api -> (LoginOutcome, [RecoveryCode]?) in
            let outcome = template == "code"
                ? try api.signInCode(email: email, code: typed.filter { !$0.isWhitespace })
                : try api.signInRecoveryCode(email: email, recoveryCode: typed)
            if case .signedIn(let method) = outcome {
                guard try api.advanceSession(token, to: newToken, stage: .signedIn, method: method) else {
                    throw PortalPageError.sessionEnded
                }
                // A credential a dispute restored owes new recovery codes: made now, shown once.
                return (outcome, try api.issueOwedRecoveryCodes(memberID: memberID))
            }
            return (outcome, nil)
        }
        switch outcome {
        case .signedIn:
            if let owedCodes {
                var response = recoveryCodesPage(visit, codes: owedCodes, csrf: newToken.formToken)
                SessionCookies.set(&response, SessionCookies.session, newToken)
                return response
            }
            var response = PageRenderer.redirect("/security")
            SessionCookies.set(&response, SessionCookies.session, newToken)
            return response
        case .replayedCode:
            return secondFactorForm(visit, template: template,
                                    error: "That code was already used. Wait for the next one in your app (they change every 30 seconds).")
        case .locked(let until):
            return secondFactorForm(visit, template: template,
                                    error: "Too many failed attempts. Signing in is locked until \(Self.clockTime(until)).",
                                    status: .tooManyRequests)
        default:
            return secondFactorForm(visit, template: template, error: template == "code"
                ? "That code is not right. Enter the code your app shows now; if it still fails, check that your phone sets its clock automatically."
                : "That is not one of your unused recovery codes.")
        }
    }
}
