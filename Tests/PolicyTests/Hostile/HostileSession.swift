import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport
import TOTPCore

/// What a hostile agent holds: a raw SQL session under its own login, as psql would give it.
struct HostileSession {
    let connection: PGConnection
    let role: String

    init(_ fixture: PortalFixture, role: String) throws {
        self.init(connection: try fixture.database.connect(user: role), role: role)
    }

    /// A session over a connection already open as `role`.
    init(connection: PGConnection, role: String) {
        self.connection = connection
        self.role = role
    }

    /// Runs SQL (several statements allowed, as psql sends them) and returns the SQLSTATE it
    /// failed with, or nil when it ran.
    @discardableResult
    func refusal(_ sql: String) -> String? {
        do {
            try connection.executeScript(sql)
            return nil
        } catch {
            return error.sqlState?.rawValue ?? "no sqlstate: \(error.message)"
        }
    }

    /// The SQLSTATE and message a one-statement query failed with, or nil.
    func failure(_ sql: String, _ parameters: [(any PGEncodable)?] = []) -> PGError? {
        do {
            _ = try connection.query(sql, parameters)
            return nil
        } catch {
            return error
        }
    }

    /// The first column of the first row.
    func value<T: PGDecodable>(_ type: T.Type, _ sql: String, _ parameters: [(any PGEncodable)?] = []) throws -> T {
        try connection.query(sql, parameters).single().decode(T.self, at: 0)
    }
}

extension PortalFixture {
    /// An agent's role name (unique in the cluster) and a raw session as it.
    func hostileAgent(_ base: String = "eve", supervisor: Bool = false) throws -> HostileSession {
        try HostileSession(self, role: try agentRole(base, supervisor: supervisor))
    }

    /// How many rows a table holds, read as the owner.
    func count(_ table: String, _ condition: String = "true") throws -> Int {
        try connection.query("SELECT count(*) FROM \(table) WHERE \(condition)").single().decode(Int.self, at: 0)
    }
}

/// A well-formed recovery code that is nobody's.
func strangersCode() -> String { RecoveryCode.generate().grouped }
