import DeskDatabase
import Foundation
import PGClient
public import TOTPCore

/// "This wasn't me": the member's dispute of a support disable, and the recovery codes a
/// restored credential owes. The rules (single use, window, what is restored and removed) are
/// the database's.
extension PortalAPI {
    /// What the link is about, while it can still be used; nil for an unknown, used or expired link.
    public func dispute(_ token: DisputeToken) throws -> DisputeSummary? {
        try connection.query("SELECT * FROM portal_api.dispute($1)", [token.hash]).rows.first.map { row in
            DisputeSummary(
                email: try row.decode(String.self, column: "email"),
                name: try row.decode(String.self, column: "name"),
                accountNumber: try row.decode(String.self, column: "account_number"),
                disabledAt: try row.decode(PGTimestamp.self, column: "disabled_at"),
                agent: try row.decode(String.self, column: "agent"),
                ticket: try row.decode(String?.self, column: "ticket"),
                wasOverride: try row.decode(String.self, column: "action") == AuditAction.twoFactorDisabledOverride.rawValue,
                disputeUntil: try row.decode(PGTimestamp.self, column: "dispute_until"))
        }
    }

    /// Confirms the dispute: the original app works again, every session ends, the
    /// administrators are told. Returns the 2fa_disputed event's number; refused with DK107 when
    /// the link is not usable.
    @discardableResult
    public func confirmDispute(_ token: DisputeToken) throws -> Int64 {
        try connection.query("SELECT portal_api.confirm_dispute($1)", [token.hash]).single().decode(Int64.self, at: 0)
    }

    /// New recovery codes for a credential a dispute restored, made and stored once, right after
    /// the member signed in with the app; nil when none are owed.
    public func issueOwedRecoveryCodes(memberID: Int64) throws -> [RecoveryCode]? {
        guard try connection.query("SELECT portal_api.recovery_codes_owed($1::bigint)", [memberID]).single().decode(Bool.self, at: 0) else {
            return nil
        }
        let codes = RecoveryCode.generateBatch()
        let salt = RecoveryCode.makeSalt()
        let done = try connection.query(
            "SELECT portal_api.issue_owed_recovery_codes($1::bigint, $2, " + Self.hashArray.replacingOccurrences(of: "$4", with: "$3") + ")",
            [memberID, salt, Self.hexList(codes, salt: salt)])
        return try done.single().decode(Bool.self, at: 0) ? codes : nil
    }
}
