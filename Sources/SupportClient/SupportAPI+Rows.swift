import DeskDatabase
import Foundation
import PGClient

/// Row decoding shared by the calls: each turns one result row into its typed value.
extension SupportAPI {
    /// The id a recording step returned (a code check's or a look-up's).
    func recordedID(_ result: PGResult) throws -> Int64 {
        guard let id = try result.single().decode(Int64?.self, at: 0) else {
            throw PGError(.decoding, message: "the recording step returned no id")
        }
        return id
    }

    static func state(_ row: PGRow, _ column: String) throws -> TwoFactorState {
        try shape(row, column)
    }

    /// A text column that holds one of a closed set of names (2FA states, roles, actions, …).
    /// A name this build does not know means the schema is newer than the console.
    static func shape<Shape: RawRepresentable>(_ row: PGRow, _ column: String) throws -> Shape where Shape.RawValue == String {
        try shape(named: try row.decode(String.self, column: column), in: column)
    }

    /// The value a name read from `column` stands for, or a decoding error that says the schema
    /// may be newer than the console.
    static func shape<Shape: RawRepresentable>(named text: String, in column: String) throws -> Shape where Shape.RawValue == String {
        guard let value = Shape(rawValue: text) else {
            throw PGError(.decoding, message: "unknown \(column) '\(text)' (is the database's schema newer than this console?)")
        }
        return value
    }

    /// As `shape`, for a column that may be NULL.
    static func optionalShape<Shape: RawRepresentable>(_ row: PGRow, _ column: String) throws -> Shape? where Shape.RawValue == String {
        guard try row.decode(String?.self, column: column) != nil else { return nil }
        return try shape(row, column) as Shape
    }

    static func event(_ row: PGRow) throws -> AuditEvent {
        AuditEvent(
            seq: try row.decode(Int64.self, column: "seq"),
            occurredAt: try row.decode(PGTimestamp.self, column: "occurred_at"),
            actor: try row.decode(String.self, column: "actor"),
            action: try shape(row, "action"),
            target: try row.decode(String.self, column: "target"),
            accountNumber: try row.decode(String?.self, column: "account_number"),
            reason: try row.decode(String?.self, column: "reason"),
            ticket: try row.decode(String?.self, column: "ticket"),
            requestID: try row.decode(UUID?.self, column: "request_id"))
    }
}
