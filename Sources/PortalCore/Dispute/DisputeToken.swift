import Crypto
import Foundation

/// The secret of a member's dispute link (`/dispute/<token>`): made by the database with the
/// disable's notice, 64 lower-case hex digits (244 random bits), and stored only as its SHA-256.
/// The portal checks its shape before asking, so junk never reaches the database.
public struct DisputeToken: Sendable, Equatable, CustomStringConvertible {
    private let value: String

    /// A token read from a link; nil unless it has the shape the database makes.
    public init?(_ text: String) {
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        value = text
    }

    /// What the database stores and looks the link up by.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(value.utf8))) }

    /// The token as it appears in the link (for the page's form action only).
    public var pathComponent: String { value }

    /// Redacted: a token must never reach a log through string interpolation.
    public var description: String { "DisputeToken(redacted)" }
}
