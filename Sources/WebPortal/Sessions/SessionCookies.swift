import Hummingbird
import PortalCore

/// The portal's two cookies. Both are `__Host-` cookies (Secure, Path=/, no Domain: only this
/// host, only over a secure channel), HttpOnly (no script reads them) and SameSite=Lax.
///
/// Secure is set even when listening on loopback: browsers count http://127.0.0.1 and
/// http://localhost as secure contexts and keep Secure cookies there, while they drop a
/// `__Host-` cookie without Secure altogether (seen with Chromium).
enum SessionCookies {
    /// The session's token.
    static let session = "__Host-sd_session"
    /// Before sign-in: a random value the sign-in form's CSRF token is derived from.
    static let form = "__Host-sd_form"

    /// The token a request's cookie names, if it has the right shape.
    static func token(_ request: Request, named name: String) -> SessionToken? {
        request.cookies[name].flatMap { SessionToken(cookie: $0.value) }
    }

    /// Sets a cookie to `token` for the browser's session (expiry is the database's business).
    static func set(_ response: inout Response, _ name: String, _ token: SessionToken) {
        response.setCookie(Cookie(name: name, value: token.value, path: "/", secure: true, httpOnly: true, sameSite: .lax))
    }

    /// Removes a cookie from the browser.
    static func clear(_ response: inout Response, _ name: String) {
        response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .lax))
    }
}
