import PortalCore
import DeskDatabase
import Foundation
import PGClient
import TOTPCore

/// The enrolled part of a scale load: sealed secrets and hashed recovery codes.
extension ScaleSeeder {
    /// Active credentials with sealed secrets, and ten hashed recovery codes each.
    func loadEnrolments(_ connection: PGConnection, _ members: [Int64]) throws -> Int {
        var salts: [Int64: [UInt8]] = [:]
        try connection.copyFromStdin("""
            COPY portal.totp_credentials (member_id, secret_ciphertext, key_fingerprint, algorithm, digits, period,
                                          state, recovery_salt, activated_at) FROM STDIN
            """) { writer in
            let fingerprint = Self.byteaText(secrets.fingerprint)
            let now = PGTimestamp(Date()).description
            for member in members {
                let secret = OTPSecret.generate(for: .sha1)
                let salt = RecoveryCode.makeSalt()
                salts[member] = salt
                try writer.append([String(member), Self.byteaText(try secrets.seal(secret.bytes, memberID: member)), fingerprint,
                                   "SHA1", "6", "30", "active", Self.byteaText(salt), now])
            }
        }
        var count = 0
        try connection.copyFromStdin("COPY portal.recovery_codes (member_id, code_hash) FROM STDIN") { writer in
            for member in members {
                let salt = salts[member]!
                for code in RecoveryCode.generateBatch() {
                    try writer.append([String(member), Self.byteaText(code.hash(salt: salt))])
                    count += 1
                }
            }
        }
        return count
    }

    /// bytea's text input form: `\x` and hex.
    static func byteaText(_ bytes: [UInt8]) -> String { Hex.encode(bytes, prefix: "\\x") }
}
