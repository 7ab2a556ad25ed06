import DeskDatabase
import Crypto
public import Foundation

/// One audit event with everything its hash covers, and the encoding that hash is computed
/// over — the same bytes `portal.audit_encoding` (version 1) or `portal.audit_encoding_v2`
/// build in SQL, so the chain can be recomputed outside the database, where a superuser cannot
/// rewrite the verifier. Each event is checked under its own version: events chained before
/// version 2 existed keep verifying as they were written.
public struct AuditChainLink: Sendable, Equatable {
    public let seq: Int64
    public let prevHash: [UInt8]
    public let hash: [UInt8]
    public let occurredAtMicroseconds: Int64
    public let actor: String
    public let action: String
    public let target: String
    public let reason: String?
    public let ticket: String?
    /// The encoding version the stored hash was computed under (1 or 2).
    public let version: Int32
    /// Version 2: the number the event is known by (given when it was staged).
    public let eventID: Int64?
    /// Version 2: the account number shown with the event, as stored.
    public let accountNumber: String?
    /// Version 2: the customer and member the event is filed under, and its request id.
    public let customerID: Int64?
    public let memberID: Int64?
    public let requestID: UUID?

    /// Builds a link from its fields (as read from `support.audit_chain`).
    public init(
        seq: Int64, prevHash: [UInt8], hash: [UInt8], occurredAtMicroseconds: Int64,
        actor: String, action: String, target: String, reason: String?, ticket: String?,
        version: Int32 = 1, eventID: Int64? = nil, accountNumber: String? = nil,
        customerID: Int64? = nil, memberID: Int64? = nil, requestID: UUID? = nil
    ) {
        self.seq = seq
        self.prevHash = prevHash
        self.hash = hash
        self.occurredAtMicroseconds = occurredAtMicroseconds
        self.actor = actor
        self.action = action
        self.target = target
        self.reason = reason
        self.ticket = ticket
        self.version = version
        self.eventID = eventID
        self.accountNumber = accountNumber
        self.customerID = customerID
        self.memberID = memberID
        self.requestID = requestID
    }

    /// The prev_hash of the first event.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// Version 1: version, seq, actor, action, target, reason, ticket (length-prefixed, NULL as
    /// length -1), the time in microseconds. Version 2 adds the event number after seq, the
    /// account number after the ticket, and after the time the customer and member ids and the
    /// request id (each length-prefixed, NULL as -1). Integers big-endian. Any other version
    /// encodes as nothing, so its hash never matches.
    public var encoding: [UInt8] {
        var encoder = AuditEncoder()
        encoder.encode(self)
        return encoder.bytes
    }

    /// sha256(prev_hash || encoding), as it should be stored.
    public var computedHash: [UInt8] {
        var encoder = AuditEncoder()
        prevHash.withUnsafeBytes { encoder.appendBytes($0) }
        encoder.encode(self)
        return Array(encoder.sha256())
    }
}

/// An event's fields as the encoding reads them, wherever they are held: an `AuditChainLink`,
/// or a streamed row read in place. The texts are actor, action, target, reason, ticket and
/// account number, in that order (0 to 5), as UTF-8.
protocol AuditEncodable {
    var version: Int32 { get }
    var seq: Int64 { get }
    var eventID: Int64? { get }
    var occurredAtMicroseconds: Int64 { get }
    var customerID: Int64? { get }
    var memberID: Int64? { get }
    /// Appends text `index` (0 to 5) to the encoder, length-prefixed, or -1 for NULL.
    func appendText(_ index: Int, to encoder: inout AuditEncoder)
    /// Appends the request id (16 bytes, length-prefixed) or -1 for NULL.
    func appendRequestID(to encoder: inout AuditEncoder)
}

/// Writes the encoding (the one place its field order is spelt in Swift) into a buffer it can
/// reuse from event to event.
///
/// The buffer is written in place rather than grown with `Array.append(contentsOf:)`: an event
/// is some twenty appends, most of four or eight bytes, and that call cost about ninety
/// instructions each whatever the length (its generic path checks uniqueness and capacity and
/// reserves before it copies), 7% of `log verify`'s instructions. Here an append is a capacity
/// check and a store or one memcpy.
struct AuditEncoder {
    /// Only the first `count` bytes are the encoding; the buffer grows and is never shrunk.
    private var storage = [UInt8](repeating: 0, count: 1024)
    /// How many bytes have been written since the last `removeAll()`.
    private(set) var count = 0

    /// The encoding, copied out.
    var bytes: [UInt8] { Array(storage[..<count]) }

    /// Starts a new encoding, keeping the buffer.
    mutating func removeAll() { count = 0 }

    /// The SHA-256 of what has been written.
    func sha256() -> SHA256.Digest {
        storage.withUnsafeBytes { buffer in
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            return hasher.finalize()
        }
    }

    mutating func encode(_ event: some AuditEncodable) {
        let version = event.version
        guard version == 1 || version == 2 else { return }
        append(version)
        append(event.seq)
        if version == 2 { append(event.eventID ?? -1) }
        for text in 0..<(version == 2 ? 6 : 5) { event.appendText(text, to: &self) }
        append(event.occurredAtMicroseconds)
        guard version == 2 else { return }
        appendOptional(event.customerID)
        appendOptional(event.memberID)
        event.appendRequestID(to: &self)
    }

    /// Hands `body` the next `size` bytes of the buffer (grown first if need be) and counts
    /// them as written.
    private mutating func write(_ size: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        let start = count, end = count + size
        if end > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(end, 2 * storage.count) - storage.count))
        }
        storage.withUnsafeMutableBytes { body(UnsafeMutableRawBufferPointer(rebasing: $0[start..<end])) }
        count = end
    }

    /// An integer, big-endian.
    mutating func append<T: FixedWidthInteger>(_ value: T) {
        write(MemoryLayout<T>.size) { $0.storeBytes(of: value.bigEndian, as: T.self) }
    }

    /// Bytes as they are, in one copy.
    mutating func appendBytes(_ raw: UnsafeRawBufferPointer) {
        write(raw.count) { $0.copyMemory(from: raw) }
    }

    mutating func appendOptional(_ number: Int64?) {
        if let number {
            append(Int32(8))
            append(number)
        } else {
            append(Int32(-1))
        }
    }

    /// A length-prefixed field, or -1 for NULL (nil).
    mutating func appendField(_ field: UnsafeRawBufferPointer?) {
        guard let field else { return append(Int32(-1)) }
        append(Int32(field.count))
        appendBytes(field)
    }

    mutating func appendField(_ text: String?) {
        guard var text else { return append(Int32(-1)) }
        text.withUTF8 { appendField(UnsafeRawBufferPointer($0)) }
    }
}

extension AuditChainLink: AuditEncodable {
    func appendText(_ index: Int, to encoder: inout AuditEncoder) {
        switch index {
        case 0: encoder.appendField(actor)
        case 1: encoder.appendField(action)
        case 2: encoder.appendField(target)
        case 3: encoder.appendField(reason)
        case 4: encoder.appendField(ticket)
        default: encoder.appendField(accountNumber)
        }
    }

    func appendRequestID(to encoder: inout AuditEncoder) {
        guard let requestID else { return encoder.appendField(nil as UnsafeRawBufferPointer?) }
        withUnsafeBytes(of: requestID.uuid) { encoder.appendField($0) }
    }
}
