import DeskDatabase
import Foundation
import Hummingbird
import Logging
import PGClient
import PortalCore
import TOTPCore

/// What every route shares: the database pool, the portal's key, the pages and the clock.
struct PortalSite: Sendable {
    let pool: DatabasePool
    let secrets: SecretBox
    let pages: PageRenderer
    let clock: any OTPClock
    let issuer: String

    /// Runs `body` with the portal's API on a pooled connection, off the event loop.
    func portal<T: Sendable>(_ body: @escaping @Sendable (PortalAPI) throws -> T) async throws -> T {
        let secrets = self.secrets, clock = self.clock, issuer = self.issuer
        return try await pool.withConnection { connection in
            try body(PortalAPI(connection: connection, secrets: secrets, clock: clock, issuer: issuer))
        }
    }

    /// The values every page's header needs, for a visitor with or without a session.
    func frame(_ visit: Visit?, title: String, csrf: String? = nil) -> [String: Any] {
        var values: [String: Any] = ["title": title]
        if let visit {
            values["csrf"] = csrf ?? visit.token.formToken
            if visit.stage == .signedIn {
                values["member"] = ["name": visit.session.name, "email": visit.session.email,
                                    "customer": visit.session.customerName,
                                    "isAdministrator": visit.session.role == .administrator]
            } else {
                values["partial"] = ["email": visit.session.email]
            }
        } else if let csrf {
            values["csrf"] = csrf
        }
        return values
    }

    /// A time as the pages say it: "14:05 UTC".
    static func clockTime(_ timestamp: PGTimestamp) -> String {
        let format = Date.FormatStyle(date: .omitted, time: .shortened, timeZone: TimeZone(identifier: "UTC")!)
            .locale(Locale(identifier: "en_GB"))
        return timestamp.date.formatted(format) + " UTC"
    }

    /// A date as the pages say it: "2 Mar 2026".
    static func day(_ timestamp: PGTimestamp) -> String {
        let format = Date.FormatStyle(date: .abbreviated, time: .omitted, timeZone: TimeZone(identifier: "UTC")!)
            .locale(Locale(identifier: "en_GB"))
        return timestamp.date.formatted(format)
    }
}
