import DeskDatabase
import CryptoExtras
import Foundation

/// Portal passwords, stored as scrypt hashes in a self-describing string
/// (`$scrypt$ln=15,r=8,p=1$SALT$HASH`, base64), so the cost can be raised later without
/// breaking existing hashes.
public struct PasswordHash: Sendable, Equatable {
    /// log2 of scrypt's N for new hashes: 2^15 × r 8 = 32 MiB of memory per check.
    public static let defaultLogN = 15

    /// The stored form.
    public let encoded: String

    /// Wraps a stored hash, checking only that it is of this format.
    public init(encoded: String) throws(PasswordError) {
        guard Self.parse(encoded) != nil else { throw .malformedHash }
        self.encoded = encoded
    }

    /// Hashes a new password with a fresh salt.
    public static func make(password: String, logN: Int = defaultLogN) throws -> PasswordHash {
        try Self.validate(password)
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let derived = try derive(password, salt: salt, logN: logN, r: 8, p: 1)
        return try PasswordHash(encoded: "$scrypt$ln=\(logN),r=8,p=1$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())")
    }

    /// Whether `password` is the one this hash was made from (constant-time comparison).
    public func matches(_ password: String) -> Bool {
        guard let parts = Self.parse(encoded),
              let derived = try? Self.derive(password, salt: parts.salt, logN: parts.logN, r: parts.r, p: parts.p),
              derived.count == parts.hash.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(derived, parts.hash) { difference |= a ^ b }
        return difference == 0
    }

    /// The portal's rules for a new password.
    public static func validate(_ password: String) throws(PasswordError) {
        guard password.count >= 10 else { throw .tooShort }
        guard password.utf8.count <= 1024 else { throw .tooLong }
    }

    private static func derive(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32,
            rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }

    private static func parse(_ encoded: String) -> (logN: Int, r: Int, p: Int, salt: [UInt8], hash: [UInt8])? {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else { return nil }
        var parameters: [Substring: Int] = [:]
        for pair in fields[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let value = Int(keyValue[1]) else { return nil }
            parameters[keyValue[0]] = value
        }
        guard let logN = parameters["ln"], (10...22).contains(logN),
              let r = parameters["r"], (1...32).contains(r),
              let p = parameters["p"], (1...16).contains(p),
              let salt = Data(base64Encoded: String(fields[3])), salt.count >= 8,
              let hash = Data(base64Encoded: String(fields[4])), hash.count >= 16 else { return nil }
        return (logN, r, p, Array(salt), Array(hash))
    }
}

/// Why a password or stored hash was refused.
public enum PasswordError: Error, Equatable, CustomStringConvertible {
    /// Fewer than 10 characters.
    case tooShort
    /// More than 1024 bytes.
    case tooLong
    /// The stored hash is not in the `$scrypt$…` format.
    case malformedHash

    public var description: String {
        switch self {
        case .tooShort: return "a password needs at least 10 characters"
        case .tooLong: return "a password may be at most 1024 bytes"
        case .malformedHash: return "the stored password hash is not a scrypt hash of this portal"
        }
    }
}
