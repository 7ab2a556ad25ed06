import DeskDatabase
import PGClient
import TOTPCore

/// Everything the portal reads to decide a login or a 2FA change for one member.
struct MemberLoginState {
    let memberID: Int64
    let passwordHash: String
    let mandatory: Bool
    let twoFactor: TwoFactorState
    let secretCiphertext: [UInt8]?
    let keyFingerprint: [UInt8]?
    let algorithm: String?
    let digits: Int?
    let period: Int?
    let lastAcceptedStep: Int64?
    let lockedUntil: PGTimestamp?

    /// Reads the state, or nil when no member has this email.
    static func read(email: String, from connection: PGConnection) throws -> MemberLoginState? {
        guard let row = try connection.query("SELECT * FROM portal_api.login_state($1)", [email]).rows.first else {
            return nil
        }
        return MemberLoginState(
            memberID: try row.decode(Int64.self, column: "member_id"),
            passwordHash: try row.decode(String.self, column: "password_hash"),
            mandatory: try row.decode(Bool.self, column: "mandatory_2fa"),
            twoFactor: TwoFactorState(rawValue: try row.decode(String.self, column: "twofa_state")) ?? .off,
            secretCiphertext: try row.decode([UInt8]?.self, column: "secret_ciphertext"),
            keyFingerprint: try row.decode([UInt8]?.self, column: "key_fingerprint"),
            algorithm: try row.decode(String?.self, column: "algorithm"),
            digits: try row.decode(Int?.self, column: "digits"),
            period: try row.decode(Int?.self, column: "period"),
            lastAcceptedStep: try row.decode(Int64?.self, column: "last_accepted_step"),
            lockedUntil: try row.decode(PGTimestamp?.self, column: "locked_until"))
    }

    /// What the member's code says, checked against their secret at `unixTime`. A malformed
    /// code (wrong length, not digits) is simply a wrong code here.
    func verify(_ code: String, at unixTime: Int64, secrets: SecretBox) throws -> TOTPVerification {
        verify(code, with: try totp(secrets), at: unixTime)
    }

    /// The same with the generator already decrypted.
    func verify(_ code: String, with totp: TOTP, at unixTime: Int64) -> TOTPVerification {
        do {
            return try totp.verify(code, at: unixTime, lastAcceptedStep: lastAcceptedStep.map { UInt64($0) })
        } catch {
            return .rejected
        }
    }

    /// The member's TOTP generator, decrypted with the portal's key.
    func totp(_ secrets: SecretBox) throws -> TOTP {
        guard let secretCiphertext, let keyFingerprint, let algorithm, let digits, let period,
              let otpAlgorithm = OTPAlgorithm(rawValue: algorithm) else {
            throw PGError(.decoding, message: "the member has no stored TOTP secret")
        }
        let bytes = try secrets.open(secretCiphertext, fingerprint: keyFingerprint, memberID: memberID)
        return try TOTP(secret: try OTPSecret(bytes: bytes), algorithm: otpAlgorithm, digits: digits, period: Int64(period))
    }
}
