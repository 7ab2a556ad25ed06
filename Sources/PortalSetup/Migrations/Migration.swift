import TOTPCore
import PortalCore
import DeskDatabase
import Crypto
import Foundation

/// One numbered SQL file of `sql/migrations`. Its checksum is recorded when it is applied, so a
/// file edited afterwards is noticed instead of silently diverging from what databases hold.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with; migrations apply in this order.
    public let version: Int
    /// The file name, e.g. `0002_tables.sql`.
    public let name: String
    /// The SQL, applied as one script inside one transaction.
    public let sql: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public let checksum: String

    /// Builds a migration from a file's name and contents.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = Hex.encode(Array(SHA256.hash(data: Data(sql.utf8))))
    }
}
