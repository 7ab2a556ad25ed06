import Foundation
import PGClient
import PortalStore

extension CommandRunner {
    /// `log [filters]` (supervisors): the audit log, newest first.
    func log(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        var filter = AuditLogFilter(limit: try number(command, "limit", in: 1...10_000, default: 50))
        filter.since = try command.option("since").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "since", times: times) }
        filter.until = try command.option("until").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "until", times: times) }
        filter.agent = command.option("agent")
        filter.account = command.option("customer")
        filter.email = command.option("user")
        filter.action = command.option("action")
        if command.option("before") != nil {
            filter.beforeSeq = Int64(try number(command, "before", in: 1...Int(Int32.max), default: 1))
        }
        let events = try database { try api.auditLog(filter) }

        var report = CommandReport(command: "log")
        report.fields.add("count", Int64(events.count))
        report.fields.add("events", .records(events.map(eventRecord)))
        report.rowsKey = "events"
        report.rowColumns = ["seq", "occurred_at", "actor", "action", "target", "account", "reason", "ticket", "request_id"]
        if wantsHuman {
            report.human = [events.isEmpty ? .line("No events match.", .muted) : eventTable(events, withTarget: true)]
        }
        return report
    }

    /// `log verify [--anchor FILE]`: recomputes the whole chain here, one event at a time, as it
    /// streams in.
    func verifyLog(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let anchor = try command.option("anchor").map { path throws(ConsoleFailure) in try Self.readAnchor(path) }
        let (head, staged) = try database { try api.chainState() }
        var verifier = AuditChainVerifier(head: head, anchor: anchor)
        var problem: AuditChainProblem?
        try database {
            do { try api.verifyChain(&verifier) } catch let found as AuditChainProblem { problem = found }
        }
        let checked: Int64
        do throws(AuditChainProblem) {
            if let problem { throw problem }
            checked = try verifier.finish()
        } catch {
            throw .refused("the audit log does not verify: \(error.description)")
        }
        var report = CommandReport(command: "log verify")
        report.fields.add("verified", true)
        report.fields.add("events", checked)
        report.fields.add("staged", Int64(staged))
        report.fields.add("head_seq", head.seq)
        report.fields.add("head_hash", head.hexHash)
        report.fields.add("anchor_seq", anchor?.seq)
        report.human = [.line("✓ The audit log verifies: \(checked) event\(checked == 1 ? "" : "s") recomputed here, head #\(head.seq) \(head.hexHash.prefix(16))….", .success)]
        if let anchor {
            report.human.append(.line("✓ The saved anchor (event #\(anchor.seq)) is part of it: nothing up to there was rewritten.", .success))
        }
        if staged > 0 {
            report.human.append(.line(
                "\(staged) newer event\(staged == 1 ? " is" : "s are") staged and not chained yet (is `portal chain` running?); they are in `log` but not in this verification.",
                .warning))
        }
        return report
    }

    /// `log anchor`: the head, as one line to keep outside the database.
    func anchor(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let head = try database { try api.chainHead() }
        var report = CommandReport(command: "log anchor")
        report.fields.add("seq", head.seq)
        report.fields.add("hash", head.hexHash)
        report.fields.add("anchor", head.description)
        report.human = [.line(head.description, .plain)]
        return report
    }

    static func readAnchor(_ path: String) throws(ConsoleFailure) -> AuditAnchor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("cannot read the anchor file \(TerminalSafeText.escape(path))")
        }
        guard data.count < 4096, let text = String(data: data, encoding: .utf8) else {
            throw .usage("\(TerminalSafeText.escape(path)) is not an anchor file")
        }
        do {
            return try AuditAnchor(text: text)
        } catch {
            throw .usage("\(TerminalSafeText.escape(path)): \(error.description)")
        }
    }
}
