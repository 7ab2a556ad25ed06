public import Foundation

/// A Swift value that can be sent as a query parameter.
///
/// Parameters travel separately from the SQL text (PQexecParams), so no value can ever change
/// what a statement means. Text-format parameters are sent with type `unknown`, letting the
/// server infer the type from context exactly as it would for a quoted literal.
public protocol PGEncodable: Sendable {
    /// The wire form of this value.
    var pgParameter: PGParameter { get throws(PGError) }
}

/// A parameter as it goes on the wire: its bytes, their format and the type OID (0 = infer).
public struct PGParameter: Sendable, Equatable {
    /// Text or binary wire format.
    public enum Format: Int32, Sendable {
        /// The type's text input form.
        case text = 0
        /// The type's binary form.
        case binary = 1
    }

    /// The bytes sent (without a terminator).
    public let bytes: [UInt8]
    /// How the server should read `bytes`.
    public let format: Format
    /// The declared type, or 0 to let the server infer it.
    public let typeOID: UInt32

    /// A text parameter; refuses NUL, which libpq would silently treat as the end of the value.
    public static func text(_ text: String) throws(PGError) -> PGParameter {
        let bytes = Array(text.utf8)
        guard !bytes.contains(0) else {
            throw PGError(.invalidParameter, message: "text contains a NUL character, which PostgreSQL cannot store")
        }
        return PGParameter(bytes: bytes, format: .text, typeOID: 0)
    }

    /// A text literal this library formatted itself (digits, ISO timestamps, UUIDs): it can
    /// hold no NUL, so it needs no check.
    static func literal(_ text: String) -> PGParameter {
        PGParameter(bytes: Array(text.utf8), format: .text, typeOID: 0)
    }

    /// A binary parameter of a declared type.
    public static func binary(_ bytes: [UInt8], typeOID: UInt32) -> PGParameter {
        PGParameter(bytes: bytes, format: .binary, typeOID: typeOID)
    }
}

extension String: PGEncodable {
    public var pgParameter: PGParameter { get throws(PGError) { try .text(self) } }
}

extension Substring: PGEncodable {
    public var pgParameter: PGParameter { get throws(PGError) { try .text(String(self)) } }
}

extension Int: PGEncodable {
    public var pgParameter: PGParameter { .literal(String(self)) }
}

extension Int64: PGEncodable {
    public var pgParameter: PGParameter { .literal(String(self)) }
}

extension Int32: PGEncodable {
    public var pgParameter: PGParameter { .literal(String(self)) }
}

extension Bool: PGEncodable {
    public var pgParameter: PGParameter { .literal(self ? "true" : "false") }
}

extension Double: PGEncodable {
    public var pgParameter: PGParameter {
        let text: String
        if isNaN { text = "NaN" } else if isInfinite { text = self < 0 ? "-Infinity" : "Infinity" } else { text = description }
        return .literal(text)
    }
}

extension UUID: PGEncodable {
    public var pgParameter: PGParameter { .literal(uuidString) }
}

extension PGTimestamp: PGEncodable {
    public var pgParameter: PGParameter { .literal(parameterText) }
}

extension Date: PGEncodable {
    public var pgParameter: PGParameter { PGTimestamp(self).pgParameter }
}

/// `bytea` goes in binary, so arbitrary bytes (NUL included) arrive unchanged.
extension Array: PGEncodable where Element == UInt8 {
    public var pgParameter: PGParameter { .binary(self, typeOID: PGTypeOID.bytea) }
}
