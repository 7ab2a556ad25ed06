import Foundation
import PGClient
import SupportClient
import TOTPCore

extension CommandRunner {
    /// `log follow [--after SEQ]` (supervisors): prints chained events as they are committed,
    /// checking each new link here. It listens before it reads where to start, and after every
    /// wake-up (or every few seconds anyway) reads the chain after the last event it printed, so
    /// an event committed between two announcements is never lost, and none is printed twice.
    func follow(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let after: Int64? = try command.option("after").map { text throws(ConsoleFailure) in
            guard let seq = Int64(text), seq >= 0 else { throw .usage("--after must be an event number (0 or more)") }
            return seq
        }
        try database { try api.listenForChained() }
        defer { try? api.stopListeningForChained() }
        var verifier = AuditChainVerifier(continuingAfter: try followBase(after: after))
        let writer = FollowWriter(format: format, times: times)
        if let header = writer.header { stream(header) }
        var printed: Int64 = 0

        link.cancelSwitch.following(true)
        defer { link.cancelSwitch.following(false) }
        while !link.cancelSwitch.followStopped {
            var problem: AuditChainProblem?
            try database {
                do {
                    try api.forEachChainLink(after: verifier.lastVerified.seq) { event in
                        try verifier.check(event)
                        stream(writer.line(event))
                        printed += 1
                    }
                } catch let found as AuditChainProblem {
                    problem = found
                }
            }
            if let problem { throw Self.brokenChain(problem) }
            try waitForChained()
        }

        var report = CommandReport(command: command.name)
        report.fields.add("events", printed)
        report.fields.add("last_seq", verifier.lastVerified.seq)
        // The events went out as they came (CSV: under the header written first).
        report.streamed = true
        report.human = [.line("Stopped after \(printed) event\(printed == 1 ? "" : "s"); to carry on: log follow --after \(verifier.lastVerified.seq)", .muted)]
        return report
    }

    /// Sleeps until the chain grows, Ctrl-C, or a few seconds pass (a safety net: the reads
    /// after it find whatever an announcement lost), looking at Ctrl-C four times a second.
    private func waitForChained() throws(ConsoleFailure) {
        for _ in 0..<20 where !link.cancelSwitch.followStopped {
            if try database({ try api.waitForChained(timeout: 0.25) }) { return }
        }
    }

    /// The event to carry on from: the head (no --after), nothing (--after 0), or event SEQ,
    /// whose own hash is recomputed here before anything is taken from it.
    private func followBase(after: Int64?) throws(ConsoleFailure) -> AuditAnchor {
        let genesis = AuditAnchor(seq: 0, hash: AuditChainLink.genesisHash)
        let seq: Int64
        if let after {
            seq = after
        } else {
            seq = try database { try api.chainHead().seq }
        }
        guard seq > 0 else { return genesis }
        guard let event = try database({ try api.chainLink(seq: seq) }) else {
            throw .usage("the chain has no event \(seq) yet")
        }
        guard event.computedHash == event.hash else { throw Self.brokenChain(.wrongHash(seq: seq)) }
        return AuditAnchor(seq: event.seq, hash: event.hash)
    }

    /// A link that does not verify, as the failure that stops the follow.
    private static func brokenChain(_ problem: AuditChainProblem) -> ConsoleFailure {
        .refused("the audit log does not verify: \(problem.description)")
    }
}

/// Writes followed events one line each, as they arrive: a table-like line for people, a
/// JSON object per line for a SIEM shipper, or CSV rows under one header.
struct FollowWriter {
    let format: OutputFormat
    let times: TimeText

    /// An event as scripts see it: the log's fields, the event number and both hashes.
    static let shape = RecordShape<AuditChainLink>([
        .integer("seq") { $0.seq },
        .integer("event_id") { $0.eventID },
        .time("occurred_at") { PGTimestamp(microsecondsSinceUnixEpoch: $0.occurredAtMicroseconds) },
        .text("actor") { $0.actor },
        .text("action") { $0.action },
        .text("target") { $0.target },
        .text("account") { $0.accountNumber },
        .text("reason") { $0.reason },
        .text("ticket") { $0.ticket },
        .text("request_id") { $0.requestID?.uuidString.lowercased() },
        .text("prev_hash") { Hex.encode($0.prevHash) },
        .text("hash") { Hex.encode($0.hash) },
    ])

    /// The CSV header, written once before the first event.
    var header: String? { format == .csv ? CSVWriter.header(Self.shape.keys) : nil }

    /// One event's line.
    func line(_ event: AuditChainLink) -> String {
        switch format {
        case .json: return JSONLineWriter.object(Self.shape.record(event))
        case .csv: return CSVWriter.row(Self.shape.record(event))
        case .table:
            let cells = ["#\(event.seq)", times.absolute(PGTimestamp(microsecondsSinceUnixEpoch: event.occurredAtMicroseconds)),
                         event.actor, event.action, event.target, event.accountNumber ?? "", event.reason ?? "", event.ticket ?? ""]
            return cells.filter { !$0.isEmpty }.map { TerminalSafeText.escape($0) }.joined(separator: "  ")
        }
    }
}
