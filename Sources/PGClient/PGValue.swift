public import Foundation

/// One value of a result row, already decoded from PostgreSQL's binary format.
///
/// Results are read in binary so that numbers, booleans and timestamps never depend on the
/// session's DateStyle, TimeZone or locale settings.
public enum PGValue: Hashable, Sendable {
    /// SQL NULL.
    case null
    /// `text`, `varchar`, `char(n)`, `name`, and enum labels cast to text.
    case text(String)
    /// `smallint`, `integer`, `bigint`, `oid`.
    case integer(Int64)
    /// `boolean`.
    case boolean(Bool)
    /// `real`, `double precision`.
    case double(Double)
    /// `numeric`, kept as its exact decimal text.
    case numeric(String)
    /// `timestamptz` and `timestamp` (the latter read as UTC).
    case timestamp(PGTimestamp)
    /// `date`, as days since 1970-01-01.
    case date(daysSinceUnixEpoch: Int64)
    /// `bytea`.
    case bytes([UInt8])
    /// `uuid`.
    case uuid(UUID)
    /// `json` and `jsonb`, as the JSON text.
    case json(String)
    /// Any other type: its OID and the server's binary representation.
    case other(typeOID: UInt32, bytes: [UInt8])

    /// True for SQL NULL.
    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A plain-text rendering for people: what psql would print (NULL is the empty string).
    public var displayText: String {
        switch self {
        case .null: return ""
        case .text(let text), .numeric(let text), .json(let text): return text
        case .integer(let value): return String(value)
        case .boolean(let value): return value ? "t" : "f"
        case .double(let value): return value.description
        case .timestamp(let value): return value.description
        case .date(let days):
            let (year, month, day) = PGTimestamp.civilDate(daysSinceUnixEpoch: days)
            return String(format: "%04lld-%02lld-%02lld", year, month, day)
        case .bytes(let bytes): return "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
        case .uuid(let uuid): return uuid.uuidString.lowercased()
        case .other(let oid, let bytes): return "<type \(oid), \(bytes.count) bytes>"
        }
    }
}
