import Foundation

/// Type OIDs of the built-in types this client decodes (pg_type.dat).
enum PGTypeOID {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let char: UInt32 = 18
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let oid: UInt32 = 26
    static let json: UInt32 = 114
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let unknown: UInt32 = 705
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let numeric: UInt32 = 1700
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802
}

extension PGValue {
    /// Decodes one cell of a binary-format result.
    static func decodeBinary(typeOID: UInt32, bytes: UnsafeRawBufferPointer) throws(PGError) -> PGValue {
        func fail() -> PGError {
            PGError(.decoding, message: "malformed binary value of type \(typeOID) (\(bytes.count) bytes)")
        }
        switch typeOID {
        case PGTypeOID.text, PGTypeOID.varchar, PGTypeOID.bpchar, PGTypeOID.name, PGTypeOID.unknown, PGTypeOID.char:
            return .text(String(decoding: bytes, as: UTF8.self))
        case PGTypeOID.int2:
            guard bytes.count == 2 else { throw fail() }
            return .integer(Int64(Int16(bitPattern: UInt16(bigEndianBytes: bytes))))
        case PGTypeOID.int4:
            guard bytes.count == 4 else { throw fail() }
            return .integer(Int64(Int32(bitPattern: UInt32(bigEndianBytes: bytes))))
        case PGTypeOID.oid:
            guard bytes.count == 4 else { throw fail() }
            return .integer(Int64(UInt32(bigEndianBytes: bytes)))
        case PGTypeOID.int8:
            guard bytes.count == 8 else { throw fail() }
            return .integer(Int64(bitPattern: UInt64(bigEndianBytes: bytes)))
        case PGTypeOID.bool:
            guard bytes.count == 1 else { throw fail() }
            return .boolean(bytes[0] != 0)
        case PGTypeOID.float4:
            guard bytes.count == 4 else { throw fail() }
            return .double(Double(Float(bitPattern: UInt32(bigEndianBytes: bytes))))
        case PGTypeOID.float8:
            guard bytes.count == 8 else { throw fail() }
            return .double(Double(bitPattern: UInt64(bigEndianBytes: bytes)))
        case PGTypeOID.timestamptz, PGTypeOID.timestamp:
            guard bytes.count == 8 else { throw fail() }
            let raw = Int64(bitPattern: UInt64(bigEndianBytes: bytes))
            if raw == .max { return .timestamp(.infinity) }
            if raw == .min { return .timestamp(.negativeInfinity) }
            return .timestamp(PGTimestamp(microsecondsSinceUnixEpoch: raw + PGTimestamp.postgresEpochOffset))
        case PGTypeOID.date:
            guard bytes.count == 4 else { throw fail() }
            return .date(daysSinceUnixEpoch: Int64(Int32(bitPattern: UInt32(bigEndianBytes: bytes))) + 10_957)
        case PGTypeOID.bytea:
            return .bytes(Array(bytes))
        case PGTypeOID.uuid:
            guard bytes.count == 16 else { throw fail() }
            let b = Array(bytes)
            return .uuid(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                                     b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
        case PGTypeOID.json:
            return .json(String(decoding: bytes, as: UTF8.self))
        case PGTypeOID.jsonb:
            guard bytes.count >= 1, bytes[0] == 1 else { throw fail() }
            return .json(String(decoding: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self))
        case PGTypeOID.numeric:
            guard let text = NumericText.decode(bytes) else { throw fail() }
            return .numeric(text)
        default:
            return .other(typeOID: typeOID, bytes: Array(bytes))
        }
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    init(bigEndianBytes bytes: UnsafeRawBufferPointer) {
        var value: Self = 0
        for byte in bytes { value = value << 8 | Self(byte) }
        self = value
    }
}
