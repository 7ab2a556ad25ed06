import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One log line per request: method, path, status and time taken. Never the query string, a
/// header, a cookie or the body, which is where passwords, codes and tokens travel. (Hummingbird's
/// LogRequestsMiddleware logs the whole URI, query included, before the response, so no status.)
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(Self.loggedPath(request.uri.path)),
            "status": .stringConvertible(response.status.code),
            "ms": .string(String(format: "%.1f", milliseconds)),
        ])
        return response
    }

    /// The path as logged: a dispute link's token is a secret. Every segment that could be one
    /// (32 or more letters, digits or percent escapes) is logged as `…`, whatever the path around
    /// it: `//dispute/<token>` reaches the page too, and `/%64ispute/<token>` is a 404 whose path
    /// still holds the token (both found by a hostile review).
    static func loggedPath(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> Substring in
            segment.count >= 32 && segment.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "%") }) ? "…" : segment
        }
        return segments.joined(separator: "/")
    }
}

/// Headers every response carries besides the content security policy: no Referer leaves the
/// portal, and no page may be framed even by browsers that ignore `frame-ancestors`.
struct PrivacyHeadersMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        return response
    }

    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    private static let frameOptions = HTTPField.Name("X-Frame-Options")!
}
