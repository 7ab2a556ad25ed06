import Foundation
import PGClient
import SupportClient

extension CommandRunner {
    /// `report [--since 30d] [--until DATE] [--by agent|day|customer] [--html FILE]`
    /// (supervisors): what the desk did in a period, computed by the database in one snapshot.
    func report(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let grouping = try command.option("by").map { name throws(ConsoleFailure) in
            guard let grouping = ReportGrouping(rawValue: name) else {
                throw .usage("--by must be one of: \(ReportGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return grouping
        }
        let since = try TimeArgument.parse(command.option("since") ?? "30d", flag: "since", times: times)
        let until = try command.option("until").map { text throws(ConsoleFailure) in
            try TimeArgument.parse(text, flag: "until", times: times, endOfDay: true)
        } ?? PGTimestamp(times.now())
        let htmlPath = command.option("html")
        let period = ReportPeriod(since: since, until: until, timeZone: times.timeZone.identifier)
        let desk = try database { try api.deskReport(period, by: grouping, charts: htmlPath != nil) }

        var report = CommandReport(command: command.name)
        report.fields.add("since", period.since)
        report.fields.add("until", period.until)
        report.fields.add("time_zone", period.timeZone)
        report.fields.add("by", grouping)
        report.fields.add("rows", .records(desk.rows.map(Self.countsShape.record)))
        report.rowsKey = "rows"
        report.rowColumns = Self.countsShape.keys
        report.fields.add("backlog_pending", desk.backlog.pending)
        report.fields.add("backlog_oldest", desk.backlog.oldest.map { ReportValue.record(Self.backlogShape.record($0)) } ?? .null)
        if let htmlPath {
            try Self.writePage(ReportPage(report: desk, times: times, generatedAt: PGTimestamp(times.now())).html, to: htmlPath)
            report.fields.add("html", htmlPath)
        }
        if wantsHuman { report.human = humanReport(desk, htmlPath: htmlPath) }
        return report
    }

    /// The table, the backlog sentence, and where the page went.
    private func humanReport(_ desk: DeskReport, htmlPath: String?) -> [HumanBlock] {
        let first = desk.grouping?.rawValue ?? "period"
        let rows = desk.rows.map { row -> [String] in
            [row.isTotal ? "total" : row.key ?? "(none)"] + Self.countColumns.map { String($0.count(row)) }
                + [row.medianSecondsToDisable.map(Self.duration) ?? "–"]
        }
        var blocks: [HumanBlock] = [
            .line("Report from \(times.absolute(desk.period.since)) to \(times.absolute(desk.period.until)).", .heading),
            .table(headers: [first] + Self.countColumns.map(\.header) + ["to disable"], rows: rows, footer: nil),
        ]
        if let oldest = desk.backlog.oldest {
            blocks.append(.line("Review backlog: \(desk.backlog.pending) waiting; the oldest is #\(oldest.eventID), \(oldest.action) by \(oldest.actor) on \(oldest.target), \(times.absolute(oldest.occurredAt)).", desk.backlog.pending > 0 ? .warning : .plain))
        } else {
            blocks.append(.line("Review backlog: nothing waiting.", .success))
        }
        blocks.append(.line("“to disable”: the median time from the agent's first code check on the member to the disable.", .muted))
        if let htmlPath { blocks.append(.line("The report with charts is in \(htmlPath).", .plain)) }
        return blocks
    }

    /// A median duration to the second: `45 s`, `3 min 30 s`, `2 h 5 min`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60) min" : "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    /// The counted columns, in order: header, JSON/CSV key and value, named once.
    struct CountColumn: Sendable {
        let header: String
        let key: String
        let count: @Sendable (ActivityCounts) -> Int64
    }

    static let countColumns: [CountColumn] = [
        .init(header: "verifies", key: "verifies") { $0.verifies },
        .init(header: "mismatches", key: "mismatches") { $0.mismatches },
        .init(header: "locks", key: "locks") { $0.locks },
        .init(header: "disables", key: "disables") { $0.disables },
        .init(header: "overrides", key: "overrides") { $0.overrides },
        .init(header: "unlocks", key: "unlocks") { $0.unlocks },
        .init(header: "disputes", key: "disputes") { $0.disputes },
        .init(header: "approvals", key: "approvals") { $0.approvals },
        .init(header: "rejections", key: "rejections") { $0.rejections },
        .init(header: "reviews", key: "reviews") { $0.reviews },
        .init(header: "concerns", key: "concerns") { $0.concerns },
    ]

    /// A report row as scripts see it (JSON objects, CSV rows; the total is the last row).
    static let countsShape = RecordShape<ActivityCounts>(
        [.text("group") { $0.key }, .flag("total") { $0.isTotal }]
        + countColumns.map { column -> RecordShape<ActivityCounts>.Column in .integer(column.key) { column.count($0) } }
        + [RecordShape<ActivityCounts>.Column(key: "median_seconds_to_disable") { row in row.medianSecondsToDisable.map(ReportValue.number) ?? .null },
           .integer("timed_disables") { $0.timedDisables }])

    /// The oldest waiting review item.
    static let backlogShape = RecordShape<BacklogItem>([
        .integer("event_id") { $0.eventID },
        .time("occurred_at") { $0.occurredAt },
        .text("actor") { $0.actor },
        .text("action") { $0.action },
        .text("target") { $0.target },
        .text("account") { $0.accountNumber },
    ])

    /// Writes the page: created with mode 0600 (it names members and agents), replacing a file
    /// of the same name only by renaming a complete one over it.
    static func writePage(_ html: String, to path: String) throws(ConsoleFailure) {
        do {
            let url = URL(fileURLWithPath: path)
            try Data(html.utf8).write(to: url, options: [.atomic])
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw .usage("cannot write the report to \(path): \(error.localizedDescription)")
        }
    }
}
