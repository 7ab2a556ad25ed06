import DeskDatabase
import Foundation
import PGClient
public import TOTPCore

/// Enrolment and the member's own 2FA changes, each proven by a fresh TOTP code.
extension PortalAPI {
    /// Starts 2FA set-up: stores a fresh secret as pending and returns the Key URI for the app.
    public func beginEnrolment(email: String, algorithm: OTPAlgorithm = .sha1, digits: Int = 6,
                               period: Int64 = 30) throws -> OTPAuthURI {
        let state = try member(email)
        if state.twoFactor == .active {
            throw PortalRefusal(code: .alreadyEnrolled, message: "\(email) already has 2FA enabled")
        }
        let secret = OTPSecret.generate(for: algorithm)
        let totp = try TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period)
        let uri = try OTPAuthURI(totp: totp, accountName: email, issuer: issuer)
        let box = try requireSecrets()
        try connection.query(
            "SELECT portal_api.begin_enrolment($1::bigint, $2, $3, $4, $5::int, $6::int)",
            [state.memberID, try box.seal(secret.bytes, memberID: state.memberID), box.fingerprint,
             algorithm.rawValue, digits, Int(period)])
        return uri
    }

    /// The pending set-up's Key URI again (the secret decrypted with the portal's key), so a
    /// set-up page can be shown again after a wrong first code; nil when none is pending.
    public func pendingEnrolment(email: String) throws -> OTPAuthURI? {
        let state = try member(email)
        guard state.twoFactor == .pending else { return nil }
        return try OTPAuthURI(totp: try state.totp(try requireSecrets()), accountName: email, issuer: issuer)
    }

    /// Confirms set-up with the first code from the app; returns the recovery codes, which are
    /// shown once and stored only as salted hashes.
    public func confirmEnrolment(email: String, code: String) throws -> [RecoveryCode] {
        let state = try member(email)
        guard state.twoFactor == .pending else {
            if state.twoFactor == .active {
                throw PortalRefusal(code: .alreadyEnrolled, message: "\(email) already has 2FA enabled")
            }
            throw PortalRefusal.noPendingEnrolment(email)
        }
        let step = try acceptedStep(code, state: state)
        let codes = RecoveryCode.generateBatch()
        let salt = RecoveryCode.makeSalt()
        try connection.query(
            "SELECT portal_api.confirm_enrolment($1::bigint, $2::bigint, $3, " + Self.hashArray + ")",
            [state.memberID, step, salt, Self.hexList(codes, salt: salt)])
        return codes
    }

    /// The member's own disable, with a current code.
    public func disableTwoFactor(email: String, code: String) throws {
        let state = try member(email)
        guard state.twoFactor == .active else { throw PortalRefusal.notEnrolled(email) }
        let step = try acceptedStep(code, state: state)
        let done = try connection.query("SELECT portal_api.disable_self($1::bigint, $2::bigint)", [state.memberID, step])
        guard try done.single().decode(Bool.self, at: 0) else { throw PortalRefusal.replayedCode }
    }

    /// New recovery codes after a current code; the old ones stop working.
    public func regenerateRecoveryCodes(email: String, code: String) throws -> [RecoveryCode] {
        let state = try member(email)
        guard state.twoFactor == .active else { throw PortalRefusal.notEnrolled(email) }
        let step = try acceptedStep(code, state: state)
        let codes = RecoveryCode.generateBatch()
        let salt = RecoveryCode.makeSalt()
        let done = try connection.query(
            "SELECT portal_api.regenerate_recovery_codes($1::bigint, $2::bigint, $3, " + Self.hashArray + ")",
            [state.memberID, step, salt, Self.hexList(codes, salt: salt)])
        guard try done.single().decode(Bool.self, at: 0) else { throw PortalRefusal.replayedCode }
        return codes
    }

    /// `$4` (comma-separated hex hashes) as a bytea[] inside the SQL, since parameters are scalars.
    static let hashArray = "(SELECT array_agg(decode(h, 'hex')) FROM unnest(string_to_array($4::text, ',')) AS h)"

    static func hexList(_ codes: [RecoveryCode], salt: [UInt8]) -> String {
        codes.map { Hex.encode($0.hash(salt: salt)) }.joined(separator: ",")
    }

    /// The step of a valid, fresh code, or the reason it is not one.
    func acceptedStep(_ code: String, state: MemberLoginState) throws -> Int64 {
        switch try state.verify(code, at: clock.unixTime, secrets: try requireSecrets()) {
        case .accepted(let step): return Int64(step)
        case .replayed: throw PortalRefusal.replayedCode
        case .rejected: throw PortalRefusal.wrongCode
        }
    }
}
