public import HTTPTypes

/// A request the portal answers with a page of its own and a precise status, never a 500:
/// bad input (400), a refused action (403), nothing there (404), too large (413), too many
/// attempts (429), or the database out of reach (503).
public struct PortalPageError: Error, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The page's heading.
    public let title: String
    /// One or two sentences saying what happened and what to do.
    public let message: String
    /// Whether to clear the session cookie (a session that has ended).
    public var endsSession = false

    /// A page with this status and text.
    public init(_ status: HTTPResponse.Status, title: String, message: String, endsSession: Bool = false) {
        self.status = status
        self.title = title
        self.message = message
        self.endsSession = endsSession
    }

    static func badRequest(_ message: String) -> PortalPageError {
        PortalPageError(.badRequest, title: "That request could not be read", message: message)
    }

    static let sessionEnded = PortalPageError(
        .forbidden, title: "Your session has ended",
        message: "You were signed out (it expired, you signed out elsewhere, or two-factor authentication was turned off). Sign in again.",
        endsSession: true)

    static let formExpired = PortalPageError(
        .forbidden, title: "This form has expired",
        message: "The form was not sent from a current page of this portal (its security token is missing or old). Go back, reload the page and try again.")
}
