import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `review [--all] [filters]` (supervisors): the queue, riskiest first, each item with the
    /// database's flags in words.
    func reviewQueue(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        var filter = ReviewFilter(all: command.has("all"), limit: try number(command, "limit", default: 50))
        filter.since = try command.option("since").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "since", times: times) }
        filter.until = try command.option("until").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "until", times: times, endOfDay: true) }
        filter.agent = command.option("agent")
        filter.account = command.option("customer")
        let items = try database { try api.reviewQueue(filter) }

        var report = CommandReport(command: command.name)
        report.fields.add("count", Int64(items.count))
        report.fields.add("items", .records(items.map(Self.reviewShape.record)))
        report.rowsKey = "items"
        report.rowColumns = Self.reviewShape.keys
        guard wantsHuman else { return report }
        if items.isEmpty {
            report.human = [.line(filter.all ? "No items match." : "Nothing waits for review.", .muted)]
            return report
        }
        for item in items { report.human += reviewLines(item) }
        report.human.append(.line(ConsoleText(ownWords: items.count == 1 ? "(1 item)" : "(\(items.count) items)"), .muted))
        return report
    }

    /// `review approve N [--note TEXT]`.
    func reviewApprove(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        try signOff(command, verdict: .approved, note: command.option("note"))
    }

    /// `review concern N --note TEXT` (the note is asked for interactively).
    func reviewConcern(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        try signOff(command, verdict: .concern, note: try required(command, "note", asking: "Note (what is wrong, in words): "))
    }

    private func signOff(_ command: ParsedCommand, verdict: ReviewVerdict, note: String?) throws(ConsoleFailure) -> CommandReport {
        let item = try eventNumber(command.positionals[0], what: "item")
        let event = try database { try api.review(item: item, verdict: verdict, note: note) }
        var report = CommandReport(command: command.name)
        report.fields.add("item", item)
        report.fields.add("verdict", verdict)
        report.fields.add("event", .record(eventRecord(event)))
        report.human = [.line(verdict == .approved
            ? "✓ Item #\(item) signed off as in order: audit event #\(event.seq)."
            : "⚑ Concern recorded on item #\(item): audit event #\(event.seq).", verdict == .approved ? .success : .warning)]
        return report
    }

    /// An event or request number as typed: `12` or `#12`.
    func eventNumber(_ word: String, what: String) throws(ConsoleFailure) -> Int64 {
        let digits = word.hasPrefix("#") ? String(word.dropFirst()) : word
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits), number > 0 else {
            throw .usage("\(what) must be a number like 12 or #12")
        }
        return number
    }

    /// One item as a person reads it: what happened, then each flag's reason, then its sign-off.
    private func reviewLines(_ item: ReviewItem) -> [HumanBlock] {
        let account = item.accountNumber.map { " (\($0))" } ?? ""
        let approved = item.approvedBy.map { ", approved by \($0)" } ?? ""
        var lines: [HumanBlock] = [.line(
            "item #\(item.item)  \(times.absolute(item.occurredAt))  \(item.actor)\(approved)  \(item.action.rawValue)  \(item.target)\(account)  risk \(item.score)",
            item.score >= 5 ? .danger : .heading)]
        if let reason = item.reason { lines.append(.line("    reason: \(reason)\(item.ticket.map { ", ticket \($0)" } ?? "")", .plain)) }
        for note in item.flags { lines.append(.line("    ⚑ \(note.flag.rawValue): \(note.why)", .warning)) }
        if let signOff = item.signOff {
            lines.append(.line("    \(signOff.verdict == .approved ? "✓ approved" : "⚑ concern") by \(signOff.reviewer) at \(times.absolute(signOff.reviewedAt)) (event #\(signOff.eventSeq))\(signOff.note.map { ": \($0)" } ?? "")",
                               signOff.verdict == .approved ? .success : .warning))
        } else {
            lines.append(.line("    pending review", .muted))
        }
        return lines
    }

    /// A queue item as scripts see it (JSON records, CSV rows).
    static let reviewShape = RecordShape<ReviewItem>([
        .integer("item") { $0.item },
        .time("occurred_at") { $0.occurredAt },
        .text("actor") { $0.actor },
        .name("action") { $0.action },
        .text("target") { $0.target },
        .text("account") { $0.accountNumber },
        .text("reason") { $0.reason },
        .text("ticket") { $0.ticket },
        .text("approved_by") { $0.approvedBy },
        .integer("score") { Int64($0.score) },
        .text("flags") { $0.flags.map(\.flag.rawValue).joined(separator: ",") },
        .text("why") { $0.flags.map(\.why).joined(separator: "; ") },
        .text("state") { $0.signOff?.verdict.rawValue ?? "pending" },
        .text("reviewer") { $0.signOff?.reviewer },
        .text("note") { $0.signOff?.note },
        .time("reviewed_at") { $0.signOff?.reviewedAt },
        .integer("review_event") { $0.signOff?.eventSeq },
    ])
}
