import DeskDatabase
import Foundation
import PGClient

/// Row decoding shared by the calls: each turns one result row into its typed value.
extension SupportAPI {
    func single(_ result: PGResult) throws -> PGRow {
        guard let row = result.rows.first else { throw PGError(.decoding, message: "the function returned no row") }
        return row
    }

    /// The id a recording step returned (a code check's or a look-up's).
    func recordedID(_ result: PGResult) throws -> Int64 {
        guard let id = try single(result).decode(Int64?.self, at: 0) else {
            throw PGError(.decoding, message: "the recording step returned no id")
        }
        return id
    }

    static func state(_ row: PGRow, _ column: String) throws -> TwoFactorState {
        guard let state = TwoFactorState(rawValue: try row.decode(String.self, column: column)) else {
            throw PGError(.decoding, message: "unknown 2FA state in \(column)")
        }
        return state
    }

    static func event(_ row: PGRow) throws -> AuditEvent {
        AuditEvent(
            seq: try row.decode(Int64.self, column: "seq"),
            occurredAt: try row.decode(PGTimestamp.self, column: "occurred_at"),
            actor: try row.decode(String.self, column: "actor"),
            action: try row.decode(String.self, column: "action"),
            target: try row.decode(String.self, column: "target"),
            accountNumber: try row.decode(String?.self, column: "account_number"),
            reason: try row.decode(String?.self, column: "reason"),
            ticket: try row.decode(String?.self, column: "ticket"),
            requestID: try row.decode(UUID?.self, column: "request_id"))
    }
}
