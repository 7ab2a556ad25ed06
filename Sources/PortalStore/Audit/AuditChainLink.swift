import Crypto

/// One audit event with everything its hash covers, and the encoding that hash is computed
/// over — the same bytes `portal.audit_encoding` builds in SQL, so the chain can be recomputed
/// outside the database, where a superuser cannot rewrite the verifier.
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

    /// Builds a link from its fields (as read from `support.audit_chain`).
    public init(
        seq: Int64, prevHash: [UInt8], hash: [UInt8], occurredAtMicroseconds: Int64,
        actor: String, action: String, target: String, reason: String?, ticket: String?
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
    }

    /// The version of the encoding below.
    public static let formatVersion: Int32 = 1
    /// The prev_hash of the first event.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// Version, seq, the five text fields length-prefixed (NULL as length -1), and the time in
    /// microseconds since the Unix epoch; integers big-endian.
    public var encoding: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + actor.utf8.count + action.utf8.count + target.utf8.count
            + (reason?.utf8.count ?? 0) + (ticket?.utf8.count ?? 0))
        Self.append(Self.formatVersion, to: &bytes)
        Self.append(seq, to: &bytes)
        for field in [actor, action, target, reason, ticket] as [String?] {
            if let field {
                Self.append(Int32(field.utf8.count), to: &bytes)
                bytes.append(contentsOf: field.utf8)
            } else {
                Self.append(Int32(-1), to: &bytes)
            }
        }
        Self.append(occurredAtMicroseconds, to: &bytes)
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
