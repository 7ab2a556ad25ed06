import Crypto
import Foundation

/// A web session's secret: 32 random bytes, sent to the browser as base64url in a cookie and
/// stored by the database only as its SHA-256, so no copy of the sessions table opens one.
public struct SessionToken: Sendable, Equatable, CustomStringConvertible {
    /// The cookie's value.
    public let value: String

    /// A fresh token from the system's secure random source.
    public static func generate() -> SessionToken {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return SessionToken(value: Self.base64url(bytes))
    }

    /// A token read back from a cookie; nil unless it has the shape `generate` makes (43
    /// base64url characters), so junk never reaches the database.
    public init?(cookie: String) {
        guard cookie.utf8.count == 43, cookie.utf8.allSatisfy(Self.isBase64URL) else { return nil }
        value = cookie
    }

    private init(value: String) { self.value = value }

    /// What the database stores and looks sessions up by.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(value.utf8))) }

    /// The form token that proves a POST came from a page of this session (CSRF): derived from
    /// the token, so it needs no storage, and one-way, so a page never shows the token itself.
    public var formToken: String {
        Self.base64url(Array(SHA256.hash(data: Data(("supportdesk-form:" + value).utf8))))
    }

    /// True when `presented` is this session's form token (compared in constant time).
    public func accepts(formToken presented: String) -> Bool {
        let expected = Array(formToken.utf8), given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Redacted: a token must never reach a log through string interpolation.
    public var description: String { "SessionToken(redacted)" }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
    }
}
