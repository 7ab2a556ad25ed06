public import Foundation

/// A Swift type a result value can be read as.
///
/// Decoding is strict: an integer column is not a `String`, and NULL is only ever an
/// `Optional`'s nil, so a schema change shows up as a clear error instead of a wrong value.
public protocol PGDecodable: Sendable {
    /// The value as this type, or nil when the value's type does not fit.
    static func decode(_ value: PGValue) -> Self?
}

extension String: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> String? {
        switch value {
        case .text(let text), .numeric(let text), .json(let text): return text
        default: return nil
        }
    }
}

extension Int64: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Int64? {
        if case .integer(let number) = value { return number }
        return nil
    }
}

extension Int: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Int? {
        if case .integer(let number) = value { return Int(exactly: number) }
        return nil
    }
}

extension Int32: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Int32? {
        if case .integer(let number) = value { return Int32(exactly: number) }
        return nil
    }
}

extension Bool: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Bool? {
        if case .boolean(let flag) = value { return flag }
        return nil
    }
}

extension Double: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Double? {
        switch value {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        default: return nil
        }
    }
}

extension PGTimestamp: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> PGTimestamp? {
        if case .timestamp(let timestamp) = value { return timestamp }
        return nil
    }
}

extension Date: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Date? {
        if case .timestamp(let timestamp) = value { return timestamp.date }
        return nil
    }
}

extension UUID: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> UUID? {
        if case .uuid(let uuid) = value { return uuid }
        return nil
    }
}

extension Array: PGDecodable where Element == UInt8 {
    @inlinable
    public static func decode(_ value: PGValue) -> [UInt8]? {
        if case .bytes(let bytes) = value { return bytes }
        return nil
    }
}

extension PGValue: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> PGValue? { value }
}

/// NULL decodes to nil; anything else must decode as `Wrapped`.
extension Optional: PGDecodable where Wrapped: PGDecodable {
    @inlinable
    public static func decode(_ value: PGValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        return Wrapped.decode(value).map { .some($0) }
    }
}
