import DeskDatabase
import TOTPCore

/// A chain head kept outside the database (seq and hash). Verifying the log later against a
/// saved anchor proves that nothing up to that event was rewritten since it was saved.
public struct AuditAnchor: Sendable, Equatable, CustomStringConvertible {
    public let seq: Int64
    public let hash: [UInt8]

    /// An anchor from its parts.
    public init(seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    /// Reads the text form `supportdesk-anchor v1 SEQ HEX` (surrounding blank space ignored).
    public init(text: String) throws(AuditChainProblem) {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 4, words[0] == "supportdesk-anchor", words[1] == "v1",
              let seq = Int64(words[2]), seq >= 0, words[3].utf8.count == 64,
              let hash = Hex.decode(words[3]) else {
            throw .unreadableAnchor
        }
        self.init(seq: seq, hash: hash)
    }

    /// The text form to save: one line.
    public var description: String {
        "supportdesk-anchor v1 \(seq) \(hexHash)"
    }

    /// The hash as lower-case hex.
    public var hexHash: String { Hex.encode(hash) }
}
