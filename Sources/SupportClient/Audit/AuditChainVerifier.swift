import Crypto

/// Recomputes the audit chain link by link as the events stream past: contiguous seq from 1,
/// each prev_hash equal to the previous hash, each hash equal to sha256(prev || encoding), the
/// database's head on the chain, and a saved anchor (if any) on the chain too.
public struct AuditChainVerifier: Sendable {
    private var expectedSeq: Int64 = 1
    private var previousHash = AuditChainLink.genesisHash
    private let anchor: AuditAnchor?
    private var anchorSeen = false
    /// The database's head to reach; nil when following a growing chain, which has no end.
    private let head: AuditAnchor?
    private var headSeen = false

    /// A verifier for a log whose head (read before streaming) is `head`, optionally checked
    /// against a saved `anchor`.
    public init(head: AuditAnchor, anchor: AuditAnchor? = nil) {
        self.head = head
        self.anchor = anchor
    }

    /// A verifier that carries on from an event already trusted (`base`: its seq and stored
    /// hash), so `log follow` checks each new link as it arrives without re-reading the log.
    /// The base's own hash is the caller's to vouch for (`AuditChainLink.computedHash`).
    public init(continuingAfter base: AuditAnchor) {
        head = nil
        anchor = nil
        expectedSeq = base.seq + 1
        previousHash = base.hash
    }

    /// The last event checked (seq and hash), or the base when none was: where a restarted
    /// follower carries on.
    public var lastVerified: AuditAnchor { AuditAnchor(seq: expectedSeq - 1, hash: previousHash) }

    /// Checks the next link; throws at the first one that does not fit.
    public mutating func check(_ link: AuditChainLink) throws(AuditChainProblem) {
        var encoder = AuditEncoder()
        try check(entry: link, encoder: &encoder)
    }

    /// The one check, for a link or a row read in place; `encoder` is a buffer reused from
    /// event to event.
    mutating func check(entry: some AuditChainEntry, encoder: inout AuditEncoder) throws(AuditChainProblem) {
        let seq = entry.seq
        guard seq == expectedSeq else { throw .gap(expected: expectedSeq, found: seq) }
        guard entry.withPrevHash({ stored in previousHash.withUnsafeBytes { sameBytes(stored, $0) } }) else {
            throw .brokenLink(seq: seq)
        }
        encoder.removeAll()
        previousHash.withUnsafeBytes { encoder.appendBytes($0) }
        encoder.encode(entry)
        let digest = encoder.sha256()
        guard entry.withHash({ stored in digest.withUnsafeBytes { sameBytes(stored, $0) } }) else {
            throw .wrongHash(seq: seq)
        }
        // From here the stored hash is the computed one: 32 bytes.
        if let anchor, anchor.seq == seq {
            guard entry.withHash({ $0.elementsEqual(anchor.hash) }) else { throw .anchorMismatch(seq: seq) }
            anchorSeen = true
        }
        if let head, head.seq == seq {
            guard entry.withHash({ $0.elementsEqual(head.hash) }) else { throw .headMismatch }
            headSeen = true
        }
        digest.withUnsafeBytes { computed in previousHash.withUnsafeMutableBytes { $0.copyMemory(from: computed) } }
        expectedSeq += 1
    }

    /// Ends the check: the head and anchor must have been reached. Returns how many events were
    /// checked.
    public func finish() throws(AuditChainProblem) -> Int64 {
        if let anchor, !anchorSeen, anchor.seq > 0 { throw .anchorMissing(seq: anchor.seq, last: expectedSeq - 1) }
        if let anchor, anchor.seq == 0, anchor.hash != AuditChainLink.genesisHash { throw .anchorMismatch(seq: 0) }
        if let head, head.seq > 0, !headSeen { throw .headMissing(seq: head.seq, last: expectedSeq - 1) }
        if let head, head.seq == 0, head.hash != AuditChainLink.genesisHash { throw .headMismatch }
        return expectedSeq - 1
    }
}

/// An event with its stored hashes, as the verifier reads it.
protocol AuditChainEntry: AuditEncodable {
    func withPrevHash<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R
    func withHash<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R
}

extension AuditChainLink: AuditChainEntry {
    func withPrevHash<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { prevHash.withUnsafeBytes(body) }
    func withHash<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { hash.withUnsafeBytes(body) }
}

/// Where the audit chain fails to verify.
public enum AuditChainProblem: Error, Equatable, CustomStringConvertible {
    /// Events are missing or out of order.
    case gap(expected: Int64, found: Int64)
    /// An event's prev_hash is not the previous event's hash.
    case brokenLink(seq: Int64)
    /// An event's hash does not match its contents: it was altered.
    case wrongHash(seq: Int64)
    /// The saved anchor's event has a different hash now: history before it was rewritten.
    case anchorMismatch(seq: Int64)
    /// The log ends before the saved anchor's event: events were removed.
    case anchorMissing(seq: Int64, last: Int64)
    /// The database's chain head does not match the events.
    case headMismatch
    /// The log ends before the database's head.
    case headMissing(seq: Int64, last: Int64)
    /// The anchor text cannot be read.
    case unreadableAnchor

    public var description: String {
        switch self {
        case .gap(let expected, let found): return "event \(expected) is missing (the next event is \(found))"
        case .brokenLink(let seq): return "event \(seq) does not link to event \(seq - 1): the chain was broken there"
        case .wrongHash(let seq): return "event \(seq) was altered: its hash does not match its contents"
        case .anchorMismatch(let seq): return "event \(seq) differs from the saved anchor: the log was rewritten up to there"
        case .anchorMissing(let seq, let last): return "the saved anchor is at event \(seq) but the log ends at \(last): events were removed"
        case .headMismatch: return "the database's chain head does not match its events"
        case .headMissing(let seq, let last): return "the chain head says event \(seq) but the log ends at \(last)"
        case .unreadableAnchor: return "not an anchor (expected: supportdesk-anchor v1 SEQ HASH)"
        }
    }
}
