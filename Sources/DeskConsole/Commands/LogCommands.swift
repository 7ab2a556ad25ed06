import Foundation
import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `log [filters]` (supervisors): the audit log, newest first.
    func log(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        var filter = AuditLogFilter(limit: try number(command, "limit", default: 50))
        filter.since = try command.option("since").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "since", times: times) }
        filter.until = try command.option("until").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "until", times: times, endOfDay: true) }
        filter.agent = command.option("agent")
        filter.account = command.option("customer")
        filter.email = command.option("user")
        filter.action = try command.option("action").map { name throws(ConsoleFailure) in
            guard let action = AuditAction(rawValue: name) else {
                throw .usage("--action must be one of: \(AuditAction.names.joined(separator: ", "))")
            }
            return action
        }
        if command.option("before") != nil {
            filter.beforeSeq = Int64(try number(command, "before", default: 1))
        }
        // A page may be 10,000 long events: they stream from the server into a spool, one row in
        // memory at a time, and are written from there once all have arrived.
        let spool = RowSpool(format: format)
        var oldest: Int64?
        try database {
            try api.forEachAuditEvent(filter) { event throws(ConsoleFailure) in
                try spool.append(eventRecord(event), cells: format == .table ? eventCells(event, withTarget: true) : [])
                oldest = event.seq
            }
        }
        try spool.finish()
        // A full page may have more behind it: say how to see the next one.
        let nextBefore = spool.count == filter.limit ? oldest : nil

        var report = CommandReport(command: command.name)
        report.fields.add("count", Int64(spool.count))
        if let nextBefore { report.fields.add("next_before", nextBefore) }
        report.fields.add("events", .records([]))
        report.rowsKey = "events"
        report.rowColumns = Self.eventShape.keys
        report.spool = spool
        if wantsHuman && format == .table {
            report.human = [spool.count == 0
                ? .line("No events match.", .muted)
                : .spooledTable(headers: Self.eventHeaders(withTarget: true), spool: spool, footer: Self.eventFooter(spool.count))]
            if let nextBefore {
                report.human.append(.line("The page is full: the same command with --before \(nextBefore) shows the events before these.", .muted))
            }
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
        var report = CommandReport(command: command.name)
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
        var report = CommandReport(command: command.name)
        report.fields.add("seq", head.seq)
        report.fields.add("hash", head.hexHash)
        report.fields.add("anchor", head.description)
        report.human = [.line("\(head.description)", .plain)]
        return report
    }

    /// The longest file taken for an anchor: the line is about 110 bytes; room for blank space.
    static let anchorFileLimit = 4096

    /// Reads an anchor file, never more than `anchorFileLimit + 1` bytes of it, so naming a huge
    /// file (or a device) costs no memory.
    static func readAnchor(_ path: String) throws(ConsoleFailure) -> AuditAnchor {
        let data: Data
        do {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
            defer { try? handle.close() }
            data = try handle.read(upToCount: anchorFileLimit + 1) ?? Data()
        } catch {
            throw .usage("cannot read the anchor file \(path)")
        }
        guard data.count <= anchorFileLimit, let text = String(data: data, encoding: .utf8) else {
            throw .usage("\(path) is not an anchor file")
        }
        do {
            return try AuditAnchor(text: text)
        } catch {
            throw .usage("\(path): \(error.description)")
        }
    }
}
