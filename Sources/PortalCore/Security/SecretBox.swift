import TOTPCore
import DeskDatabase
import Crypto
public import Foundation

/// Encrypts TOTP secrets for storage with AES-GCM under `PORTAL_SECRET_KEY`, so neither a
/// database dump nor any database role ever sees a plaintext secret. Each ciphertext is bound
/// to its member id (associated data): a ciphertext copied onto another member does not open.
public struct SecretBox: Sendable {
    /// The environment variable that holds the key: 32 random bytes, base64 or 64 hex digits.
    public static let environmentVariable = "PORTAL_SECRET_KEY"

    private let key: SymmetricKey
    /// The first 8 bytes of SHA-256 of the key, stored with each ciphertext so a wrong key is
    /// reported as such rather than as corrupt data.
    public let fingerprint: [UInt8]

    /// A box for a key given as base64 or hex text.
    public init(keyText: String) throws(SecretBoxError) {
        let trimmed = keyText.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes: [UInt8]
        if trimmed.utf8.count == 64, let hex = Hex.decode(trimmed) {
            bytes = hex
        } else if let data = Data(base64Encoded: trimmed) {
            bytes = Array(data)
        } else {
            throw .malformedKey
        }
        guard bytes.count == 32 else { throw .malformedKey }
        self.init(keyBytes: bytes)
    }

    /// A box for 32 raw key bytes.
    public init(keyBytes: [UInt8]) {
        key = SymmetricKey(data: keyBytes)
        fingerprint = Array(SHA256.hash(data: keyBytes).prefix(8))
    }

    /// The box for the key in the environment.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecretBoxError) -> SecretBox {
        guard let text = environment[environmentVariable], !text.isEmpty else { throw .missingKey }
        return try SecretBox(keyText: text)
    }

    /// A fresh random key as base64, for set-up scripts and the demo.
    public static func generateKeyText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// nonce || ciphertext || tag of the secret, bound to `memberID`.
    public func seal(_ secret: [UInt8], memberID: Int64) throws -> [UInt8] {
        let sealed = try AES.GCM.seal(secret, using: key, authenticating: Self.associatedData(memberID))
        guard let combined = sealed.combined else { throw SecretBoxError.cannotOpen }
        return Array(combined)
    }

    /// The secret back, or an error saying whether the key is wrong or the data is damaged.
    public func open(_ combined: [UInt8], fingerprint stored: [UInt8], memberID: Int64) throws(SecretBoxError) -> [UInt8] {
        guard stored == fingerprint else { throw .wrongKey }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return Array(try AES.GCM.open(box, using: key, authenticating: Self.associatedData(memberID)))
        } catch {
            throw .cannotOpen
        }
    }

    private static func associatedData(_ memberID: Int64) -> Data {
        Data("supportdesk-totp-secret:\(memberID)".utf8)
    }
}

/// Why a secret could not be sealed or opened.
public enum SecretBoxError: Error, Equatable, CustomStringConvertible {
    /// `PORTAL_SECRET_KEY` is not set.
    case missingKey
    /// The key is not 32 bytes of base64 or hex.
    case malformedKey
    /// The stored secret was encrypted under a different key.
    case wrongKey
    /// The ciphertext is damaged or belongs to another member.
    case cannotOpen

    public var description: String {
        switch self {
        case .missingKey: return "PORTAL_SECRET_KEY is not set (32 random bytes, base64; e.g. `openssl rand -base64 32`)"
        case .malformedKey: return "PORTAL_SECRET_KEY must be 32 bytes, as base64 or 64 hex digits"
        case .wrongKey: return "PORTAL_SECRET_KEY is not the key this member's secret was encrypted with"
        case .cannotOpen: return "the stored secret cannot be decrypted: it is damaged or belongs to another member"
        }
    }
}
