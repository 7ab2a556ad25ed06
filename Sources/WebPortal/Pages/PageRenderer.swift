import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The portal's pages: the mustache templates shipped with the module, loaded once, and the
/// HTML responses made from them.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    /// The stylesheet, served from memory.
    let stylesheet: ByteBuffer

    /// Loads every template of the module's `Templates` folder; fails at start-up, not on a request.
    init() async throws {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw PortalStartError("the portal's templates are missing from its resources")
        }
        library = try await MustacheLibrary(directory: folder)
        guard let css = FileManager.default.contents(atPath: folder + "/portal.css") else {
            throw PortalStartError("the portal's stylesheet is missing from \(folder)")
        }
        stylesheet = ByteBuffer(bytes: css)
        for name in ["sign-in", "code", "recovery", "security", "setup", "recovery-codes", "team", "message", "error", "dispute"] {
            guard library.getTemplate(named: name) != nil else { throw PortalStartError("template \(name).mustache is missing") }
        }
    }

    /// An HTML page. `noStore` keeps pages with a secret or recovery codes out of every cache.
    func page(_ name: String, _ values: [String: Any], status: HTTPResponse.Status = .ok, noStore: Bool = false) -> Response {
        let html = library.render(values, withTemplate: name) ?? "<!doctype html><title>Portal</title><p>Page missing.</p>"
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.cacheControl] = noStore ? "no-store" : "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 to another page of the portal (after a POST, so reloading does not repeat it).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// The portal cannot start (templates missing, a bad setting).
public struct PortalStartError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
