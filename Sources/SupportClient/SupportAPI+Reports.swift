import DeskDatabase
import PGClient

/// The supervisors' report: counts, backlog and the series its charts draw.
extension SupportAPI {
    /// Reads the whole report in one repeatable-read transaction (supervisors): the
    /// four calls see one snapshot, so a disable committed meanwhile is in all or none.
    public func deskReport(_ period: ReportPeriod, by grouping: ReportGrouping?, charts: Bool) throws -> DeskReport {
        try connection.transaction(.repeatableRead) { connection in
            let rows = try connection.query(
                "SELECT * FROM support.activity_report($1::timestamptz, $2::timestamptz, $3, $4)",
                [period.since, period.until, grouping?.rawValue, period.timeZone]).rows.map(Self.counts)
            let backlogRow = try connection.query("SELECT * FROM support.review_backlog($1::timestamptz)", [period.until]).single()
            let oldest = try backlogRow.decode(Int64?.self, column: "oldest_event_id").map { id throws in
                BacklogItem(eventID: id, occurredAt: try backlogRow.decode(PGTimestamp.self, column: "oldest_at"),
                            actor: try backlogRow.decode(String.self, column: "oldest_actor"),
                            action: try backlogRow.decode(String.self, column: "oldest_action"),
                            target: try backlogRow.decode(String.self, column: "oldest_target"),
                            accountNumber: try backlogRow.decode(String?.self, column: "oldest_account_number"))
            }
            let backlog = ReviewBacklog(pending: try backlogRow.decode(Int64.self, column: "pending"), oldest: oldest)
            var daily: [DailyDisables] = []
            var days: [BacklogDay] = []
            if charts {
                daily = try connection.query(
                    "SELECT day::text AS day, agent, disables, overrides FROM support.report_daily_disables($1::timestamptz, $2::timestamptz, $3)",
                    [period.since, period.until, period.timeZone]).rows.map { row throws in
                        DailyDisables(day: try row.decode(String.self, column: "day"), agent: try row.decode(String.self, column: "agent"),
                                      disables: try row.decode(Int64.self, column: "disables"),
                                      overrides: try row.decode(Int64.self, column: "overrides"))
                    }
                days = try connection.query(
                    "SELECT day::text AS day, pending FROM support.report_backlog_days($1::timestamptz, $2::timestamptz, $3)",
                    [period.since, period.until, period.timeZone]).rows.map { row throws in
                        BacklogDay(day: try row.decode(String.self, column: "day"), pending: try row.decode(Int64.self, column: "pending"))
                    }
            }
            return DeskReport(period: period, grouping: grouping, rows: rows, backlog: backlog, dailyDisables: daily, backlogDays: days)
        }
    }

    private static func counts(_ row: PGRow) throws -> ActivityCounts {
        func count(_ name: String) throws -> Int64 { try row.decode(Int64.self, column: name) }
        return ActivityCounts(
            key: try row.decode(String?.self, column: "group_key"), isTotal: try row.decode(Bool.self, column: "is_total"),
            verifies: try count("verifies"), mismatches: try count("mismatches"), locks: try count("locks"),
            disables: try count("disables"), overrides: try count("overrides"), unlocks: try count("unlocks"),
            disputes: try count("disputes"), approvals: try count("approvals"), rejections: try count("rejections"),
            reviews: try count("reviews"), concerns: try count("concerns"),
            medianSecondsToDisable: try row.decode(Double?.self, column: "median_seconds_to_disable"),
            timedDisables: try count("timed_disables"))
    }
}
