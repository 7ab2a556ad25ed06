import DeskDatabase
import HTTPTypes
import Hummingbird
import Logging
import PGClient
import PortalCore

/// Turns every failure into a page of the portal with the right status: the visitor reads a
/// sentence, never a stack trace, and never a 500 for something they sent.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let page = Self.page(for: error)
            if page.status == .internalServerError {
                // The type only: an error's text may hold what a visitor typed.
                context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            }
            var values: [String: Any] = ["title": page.title, "heading": page.title, "message": page.message]
            values["status"] = page.status.code
            var response = pages.page("error", values, status: page.status, noStore: true)
            if page.endsSession { SessionCookies.clear(&response, SessionCookies.session) }
            return response
        }
    }

    static func page(for error: any Error) -> PortalPageError {
        switch error {
        case let page as PortalPageError:
            return page
        case let redirect as RedirectInstead:
            return PortalPageError(.forbidden, title: "Not available", message: "Go to \(redirect.location).")
        case let refusal as PortalRefusal:
            if refusal.code == .notAdministrator {
                return PortalPageError(.forbidden, title: "Administrators only",
                                       message: "Only an administrator of your organisation may do this.")
            }
            return PortalPageError(.badRequest, title: "That was refused", message: refusal.message)
        case let pgError as PGError:
            if let refusal = PortalRefusal(pgError) { return page(for: refusal) }
            return unavailable
        case is DatabasePool.DatabasePoolError:
            return PortalPageError(.serviceUnavailable, title: "The portal is busy",
                                   message: "Too many requests are waiting. Please try again in a moment.")
        case let http as any HTTPResponseError:
            switch http.status {
            case .notFound:
                return PortalPageError(.notFound, title: "No such page", message: "There is no page at this address.")
            case .methodNotAllowed:
                return PortalPageError(.methodNotAllowed, title: "Not here", message: "This page does not take that kind of request.")
            case .contentTooLarge:
                return PortalPageError(.contentTooLarge, title: "That request is too large", message: "The portal accepts forms of up to 16 KiB.")
            case let status where (400..<500).contains(status.code):
                return PortalPageError(status, title: "That request could not be read", message: "Please go back and try again.")
            default:
                return unavailable
            }
        default:
            return PortalPageError(.internalServerError, title: "Something went wrong",
                                   message: "The portal could not finish this request. Please try again.")
        }
    }

    private static let unavailable = PortalPageError(
        .serviceUnavailable, title: "The portal cannot reach its database",
        message: "Please try again in a minute.")
}
