import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PGClient
import PortalCore
import Synchronization
import TestSupport
import TOTPCore

import WebPortal

/// A portal on a fresh migrated database, driven through HummingbirdTesting's router client:
/// the real routes, pool and PostgreSQL, no sockets. `prepare` builds the data first (on the
/// fixture's connection) and returns what the test needs to know about it.
func withWebPortal<Setup: Sendable>(
    prepare: (PortalFixture) throws -> Setup,
    _ body: @escaping @Sendable (WebWorld, Setup) async throws -> Void
) async throws {
    let database = try PostgresCluster.shared().createDatabase(from: .migrated)
    defer { try? database.drop() }
    let setup: Setup
    let role = "portal_web_\(UUID().uuidString.prefix(8).lowercased())"
    do {
        let fixture = try PortalFixture(database)
        defer { fixture.connection.close() }
        setup = try prepare(fixture)
        // The server connects as a login role in portal_app, as in production.
        try fixture.connection.query("CREATE ROLE \(role) LOGIN IN ROLE portal_app")
    }
    // Enrolment accepted the code of the current step; the portal's clock starts two steps on,
    // so the first sign-in code is fresh, and tests move it on for each further code.
    let clock = TestClock(unixTime: SystemOTPClock().unixTime + 60)
    let settings = PortalServer.Settings(
        listen: ListenAddress("127.0.0.1:0")!, connectionString: database.uri(user: role),
        secrets: PortalFixture.secrets, poolSize: 4, clock: clock)
    let server = try await PortalServer(settings: settings)
    var logger = Logger(label: "portal-test")
    logger.logLevel = .warning
    let app = server.application(logger: logger)
    try await app.test(.router) { client in
        try await body(WebWorld(client: client, clock: clock, database: database), setup)
    }
}

/// What a route test works with: browsers sharing one test client, the portal's clock, and
/// the database (for acting as an agent, or looking at what was stored).
struct WebWorld: Sendable {
    let client: any TestClientProtocol
    let clock: TestClock
    let database: TestDatabase

    /// A browser with its own cookie jar.
    func browser(userAgent: String = "RouteTest/1.0") -> WebBrowser { WebBrowser(client: client, userAgent: userAgent) }

    /// The code `member`'s app shows now by the portal's clock, after moving the clock on one
    /// step so that each code asked for is fresh.
    func nextCode(_ member: EnrolledMember, aheadSeconds: Int64 = 0) throws -> String {
        clock.advance(by: 30)
        return try member.totp.code(at: clock.unixTime + aheadSeconds)
    }

    /// A superuser connection to the test database, closed after `body`.
    func sql<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try database.connect()
        defer { connection.close() }
        return try body(connection)
    }
}

/// A clock the test moves by hand.
final class TestClock: OTPClock, Sendable {
    private let now: Mutex<Int64>
    init(unixTime: Int64) { now = Mutex(unixTime) }
    var unixTime: Int64 { now.withLock { $0 } }
    func advance(by seconds: Int64) { now.withLock { $0 += seconds } }
}

/// A small browser for route tests: keeps cookies as Set-Cookie says, reads the CSRF token
/// from the last page, and posts forms.
final class WebBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    let userAgent: String
    private(set) var cookies: [String: String] = [:]
    private(set) var lastPage = ""

    init(client: any TestClientProtocol, userAgent: String) {
        self.client = client
        self.userAgent = userAgent
    }

    /// GET a page.
    @discardableResult
    func get(_ path: String) async throws -> WebPage {
        try await send(path, method: .get, body: nil, contentType: nil)
    }

    /// POST a form; the CSRF token of the last page is added unless `csrf` says otherwise.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String?? = .none) async throws -> WebPage {
        var all = fields
        switch csrf {
        case .none: if let token = csrfToken { all.append(("csrf", token)) }
        case .some(.some(let token)): all.append(("csrf", token))
        case .some(.none): break
        }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(path, method: .post, body: Array(body.utf8), contentType: "application/x-www-form-urlencoded")
    }

    /// Sends raw bytes (for malformed-input tests).
    @discardableResult
    func send(_ path: String, method: HTTPRequest.Method, body: [UInt8]?, contentType: String?) async throws -> WebPage {
        var headers: HTTPFields = [.userAgent: userAgent]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers,
                                                 body: body.map { ByteBuffer(bytes: $0) })
        for line in response.headers[values: .setCookie] { remember(line) }
        let page = WebPage(status: response.status.code, headers: response.headers,
                           body: String(buffer: response.body))
        if !page.body.isEmpty { lastPage = page.body }
        return page
    }

    /// Forgets a cookie (a browser whose session cookie was stolen from, or cleared).
    func setCookie(_ name: String, _ value: String?) { cookies[name] = value }

    /// The CSRF token in the last page's forms.
    var csrfToken: String? { WebPage.firstMatch(#"name="csrf" value="([^"]+)""#, in: lastPage) }

    private func remember(_ setCookie: String) {
        let pair = setCookie.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
        let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
        if value.isEmpty || setCookie.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = value }
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// One response as a test looks at it.
struct WebPage: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: String

    var location: String? { headers[.location] }
    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    func contains(_ text: String) -> Bool { body.contains(text) }

    /// The first capture group of `pattern` in `text`.
    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }
}
