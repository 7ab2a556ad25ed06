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
        guard version == 1 || version == 2 else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + actor.utf8.count + action.utf8.count + target.utf8.count
            + (reason?.utf8.count ?? 0) + (ticket?.utf8.count ?? 0) + (accountNumber?.utf8.count ?? 0))
        Self.append(version, to: &bytes)
        Self.append(seq, to: &bytes)
        if version == 2 { Self.append(eventID ?? -1, to: &bytes) }
        var texts: [String?] = [actor, action, target, reason, ticket]
        if version == 2 { texts.append(accountNumber) }
        for field in texts {
            if let field {
                Self.append(Int32(field.utf8.count), to: &bytes)
                bytes.append(contentsOf: field.utf8)
            } else {
                Self.append(Int32(-1), to: &bytes)
            }
        }
        Self.append(occurredAtMicroseconds, to: &bytes)
        guard version == 2 else { return bytes }
        for number in [customerID, memberID] {
            if let number {
                Self.append(Int32(8), to: &bytes)
                Self.append(number, to: &bytes)
            } else {
                Self.append(Int32(-1), to: &bytes)
            }
        }
        if let requestID {
            Self.append(Int32(16), to: &bytes)
            withUnsafeBytes(of: requestID.uuid) { bytes.append(contentsOf: $0) }
        } else {
            Self.append(Int32(-1), to: &bytes)
        }
        return bytes
    }

    /// sha256(prev_hash || encoding), as it should be stored.
    public var computedHash: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: prevHash)
        hasher.update(data: encoding)
        return Array(hasher.finalize())
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
