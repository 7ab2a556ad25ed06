@testable import WebPortal
import Testing

/// The request log never holds a dispute token, however the path is spelled (a hostile review
/// found `//dispute/<token>` served and logged whole, and `/%64ispute/<token>` logged whole).
@Suite struct RequestLogPathTests {
    @Test func aTokenIsNeverLogged() {
        let token = String(repeating: "1e52", count: 16)
        for path in ["/dispute/\(token)", "//dispute/\(token)", "/%64ispute/\(token)", "/dispute/\(token)/", "/x/\(token.uppercased())"] {
            let logged = RequestLogMiddleware.loggedPath(path)
            #expect(!logged.lowercased().contains(token.prefix(32)), "\(path) logged as \(logged)")
            #expect(logged.contains("…"))
        }
        #expect(RequestLogMiddleware.loggedPath("/security") == "/security")
        #expect(RequestLogMiddleware.loggedPath("/team/members") == "/team/members")
        #expect(RequestLogMiddleware.loggedPath("/dispute/") == "/dispute/")
    }
}
