import DeskDatabase
import Foundation
import Hummingbird
import PortalCore
import QRCode
import TOTPCore

/// The Security page: 2FA's state, set-up with a QR code, the recovery codes shown once, and
/// Disable / New recovery codes, each needing a current code.
extension PortalSite {
    func addSecurityRoutes(to router: Router<PortalRequestContext>) {
        router.get("/security") { request, _ -> Response in
            switch try await self.page(request, stages: [.signedIn, .setup]) {
            case .failure(let redirect): return redirect.response
            case .success(let visit): return self.securityPage(visit, error: nil)
            }
        }
        router.post("/security/setup") { request, _ -> Response in
            let (visit, _) = try await self.post(request, stages: [.signedIn, .setup])
            let email = visit.session.email
            _ = try await self.portal { try $0.beginEnrolment(email: email) }
            return PageRenderer.redirect("/security/setup")
        }
        router.get("/security/setup") { request, _ -> Response in
            switch try await self.page(request, stages: [.signedIn, .setup]) {
            case .failure(let redirect): return redirect.response
            case .success(let visit): return try await self.setupPage(visit, error: nil)
            }
        }
        router.post("/security/setup/confirm") { request, _ in try await self.confirmSetup(request) }
        router.post("/security/codes-saved") { request, _ -> Response in
            _ = try await self.post(request, stages: [.signedIn])
            return PageRenderer.redirect("/security")
        }
        router.post("/security/disable") { request, _ in try await self.disable(request) }
        router.post("/security/recovery-codes") { request, _ in try await self.newRecoveryCodes(request) }
    }

    func securityPage(_ visit: Visit, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        var values = frame(visit, title: "Security")
        let session = visit.session
        values["active"] = session.twoFactor == .active
        values["since"] = session.twoFactorSince.map(Self.day)
        values["required"] = visit.stage == .setup
        values["organisation"] = "\(session.customerName) (\(session.accountNumber))"
        values["error"] = error
        return pages.page("security", values, status: status)
    }

    private func setupPage(_ visit: Visit, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let email = visit.session.email
        guard visit.session.twoFactor != .active else { return PageRenderer.redirect("/security") }
        guard let uri = try await portal({ try $0.pendingEnrolment(email: email) }) else {
            return PageRenderer.redirect("/security")
        }
        var values = frame(visit, title: "Set up two-factor authentication")
        values["qr"] = try QRCode(encoding: uri.uriString).svg(title: "QR code for your authenticator app")
        values["secretGroups"] = Self.groups(Base32.encode(uri.secret.bytes))
        values["account"] = email
        values["issuer"] = uri.issuer ?? ""
        values["error"] = error
        return pages.page("setup", values, status: status, noStore: true)
    }

    private func confirmSetup(_ request: Request) async throws -> Response {
        let (visit, form) = try await post(request, stages: [.signedIn, .setup])
        let code = try form.required("code", label: "code").filter { !$0.isWhitespace }
        let email = visit.session.email, token = visit.token, newToken = SessionToken.generate()
        let promote = visit.session.stage != .signedIn
        let result = try await portal { api -> Result<[RecoveryCode], PortalRefusal> in
            do {
                let codes = try api.confirmEnrolment(email: email, code: code)
                // A set-up-only session is now a full one, under a new token.
                if promote { _ = try api.advanceSession(token, to: newToken, stage: .signedIn, method: .totp) }
                return .success(codes)
            } catch let error as PortalRefusal where Self.saidOnThePage.contains(error.code) {
                return .failure(error)
            }
        }
        switch result {
        case .success(let codes):
            var response = recoveryCodesPage(visit, codes: codes, csrf: promote ? newToken.formToken : nil)
            if promote { SessionCookies.set(&response, SessionCookies.session, newToken) }
            return response
        case .failure(let error):
            return try await setupPage(visit, error: Self.sentence(error))
        }
    }

    func recoveryCodesPage(_ visit: Visit, codes: [RecoveryCode], csrf: String?) -> Response {
        var values = frame(visit, title: "Your recovery codes", csrf: csrf)
        let text = codes.map(\.grouped).joined(separator: "\n")
        values["codes"] = codes.map(\.grouped)
        let file = "SupportDesk Portal recovery codes for \(visit.session.email)\nEach code works once.\n\n" + text + "\n"
        values["download"] = "data:text/plain;charset=utf-8," + (file.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return pages.page("recovery-codes", values, noStore: true)
    }

    private func disable(_ request: Request) async throws -> Response {
        let (visit, form) = try await post(request, stages: [.signedIn])
        let code = try form.required("code", label: "code").filter { !$0.isWhitespace }
        let email = visit.session.email
        let failure = try await portal { api -> PortalRefusal? in
            do { try api.disableTwoFactor(email: email, code: code); return nil } catch let error as PortalRefusal where Self.saidOnThePage.contains(error.code) { return error }
        }
        if let failure { return securityPage(visit, error: Self.sentence(failure)) }
        // The database ended every session of the member with the credential.
        var values = frame(nil, title: "Two-factor authentication is off")
        values["heading"] = "Two-factor authentication is off"
        values["message"] = "Your authenticator app and recovery codes no longer work here, and you were signed out everywhere. Sign in again with your password."
        var response = pages.page("message", values)
        SessionCookies.clear(&response, SessionCookies.session)
        return response
    }

    private func newRecoveryCodes(_ request: Request) async throws -> Response {
        let (visit, form) = try await post(request, stages: [.signedIn])
        let code = try form.required("code", label: "code").filter { !$0.isWhitespace }
        let email = visit.session.email
        let result = try await portal { api -> Result<[RecoveryCode], PortalRefusal> in
            do { return .success(try api.regenerateRecoveryCodes(email: email, code: code)) } catch let error as PortalRefusal where Self.saidOnThePage.contains(error.code) {
                return .failure(error)
            }
        }
        switch result {
        case .success(let codes): return recoveryCodesPage(visit, codes: codes, csrf: nil)
        case .failure(let error): return securityPage(visit, error: Self.sentence(error))
        }
    }

    /// What a member is told when a code for a 2FA change fails.
    static func sentence(_ error: PortalRefusal) -> String {
        switch error.code {
        case .wrongCode:
            return "That code is not right. Enter the code your app shows now; if it still fails, check that your phone sets its clock automatically."
        case .replayedCode: return "That code was already used. Wait for the next one in your app."
        case .notEnrolled: return "Two-factor authentication is not on."
        case .noPendingEnrolment: return "There is no set-up in progress. Start again with Set Up."
        case .memberNotFound: return "Your account was not found."
        default: return error.message
        }
    }

    /// The portal's own refusals of a 2FA change, said on the Security page; the database's
    /// other refusals go to the error page as before.
    static let saidOnThePage: Set<PortalRefusal.Code> = [.wrongCode, .replayedCode, .notEnrolled, .noPendingEnrolment, .memberNotFound]

    /// A Base32 secret in groups of four, for typing into an app by hand.
    static func groups(_ text: String) -> String {
        stride(from: 0, to: text.count, by: 4).map { start -> String in
            let from = text.index(text.startIndex, offsetBy: start)
            return String(text[from..<text.index(from, offsetBy: min(4, text.count - start))])
        }.joined(separator: " ")
    }
}
