/// Recomputes the audit chain link by link as the events stream past: contiguous seq from 1,
/// each prev_hash equal to the previous hash, each hash equal to sha256(prev || encoding), the
/// database's head on the chain, and a saved anchor (if any) on the chain too.
public struct AuditChainVerifier: Sendable {
    private var expectedSeq: Int64 = 1
    private var previousHash = AuditChainLink.genesisHash
    private let anchor: AuditAnchor?
    private var anchorSeen = false
    private let head: AuditAnchor
    private var headSeen = false

    /// A verifier for a log whose head (read before streaming) is `head`, optionally checked
    /// against a saved `anchor`.
    public init(head: AuditAnchor, anchor: AuditAnchor? = nil) {
        self.head = head
        self.anchor = anchor
    }

    /// Checks the next link; throws at the first one that does not fit.
    public mutating func check(_ link: AuditChainLink) throws(AuditChainProblem) {
        guard link.seq == expectedSeq else { throw .gap(expected: expectedSeq, found: link.seq) }
        guard link.prevHash == previousHash else { throw .brokenLink(seq: link.seq) }
        guard link.computedHash == link.hash else { throw .wrongHash(seq: link.seq) }
        if let anchor, anchor.seq == link.seq {
            guard anchor.hash == link.hash else { throw .anchorMismatch(seq: link.seq) }
            anchorSeen = true
        }
        if head.seq == link.seq {
            guard head.hash == link.hash else { throw .headMismatch }
            headSeen = true
        }
        previousHash = link.hash
        expectedSeq += 1
    }

    /// Ends the check: the head and anchor must have been reached. Returns how many events were
    /// checked.
    public func finish() throws(AuditChainProblem) -> Int64 {
        if let anchor, !anchorSeen, anchor.seq > 0 { throw .anchorMissing(seq: anchor.seq, last: expectedSeq - 1) }
        if let anchor, anchor.seq == 0, anchor.hash != AuditChainLink.genesisHash { throw .anchorMismatch(seq: 0) }
        if head.seq > 0, !headSeen { throw .headMissing(seq: head.seq, last: expectedSeq - 1) }
        if head.seq == 0, head.hash != AuditChainLink.genesisHash { throw .headMismatch }
        return expectedSeq - 1
    }
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
