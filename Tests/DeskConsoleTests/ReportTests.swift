import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

/// `report` through the executable, over events staged at known times: every count, the median
/// time to a disable, the review backlog and its oldest item, in JSON, CSV and the table, and
/// the HTML page in Chromium.
@Suite struct ReportTests {
    /// Days of the test period (UTC), the period being 2026-11-02 to the end of 2026-11-04.
    static let period = ["--since", "2026-11-02", "--until", "2026-11-04"]

    /// Stages the desk's work of three days; returns the supervisor's URI and the event numbers
    /// of the review items left waiting, oldest first.
    func withDeskHistory<T>(_ body: (PortalFixture, String, String) throws -> T) throws -> T {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.customer("GB-2001", name: "Globex")
            let jane = try fixture.member("jane@acme.example")
            let bob = try fixture.member("bob@globex.example", account: "GB-2001", name: "Bob Globex")
            let supervisor = try fixture.agentRole("sup", supervisor: true)
            let agent = try fixture.agentRole("kim")
            func stage(_ at: String, _ actor: String, _ action: String, _ member: Int64?, target: String = "member") throws -> Int64 {
                try fixture.connection.query("""
                    INSERT INTO portal.audit_staging (occurred_at, actor, action, target, account_number, customer_id, member_id)
                    SELECT $1::timestamptz, $2, $3, $4, c.account_number, c.id, m.id
                      FROM (SELECT $5::bigint AS id) wanted
                      LEFT JOIN portal.team_members m ON m.id = wanted.id
                      LEFT JOIN portal.customers c ON c.id = m.customer_id
                    RETURNING event_id
                    """, [at, actor, action, target, member]).single().decode(Int64.self, at: 0)
            }
            // Before the period: counted in nothing but the backlog.
            _ = try stage("2026-11-01 12:00Z", "kim", "2fa_disabled_support", jane)
            // Day 1: kim checks Jane's codes (two mismatches, a lock, then a match) and disables
            // five minutes after the first check.
            _ = try stage("2026-11-02 10:00Z", "kim", "recovery_failed", jane)
            _ = try stage("2026-11-02 10:01Z", "kim", "recovery_failed", jane)
            _ = try stage("2026-11-02 10:01Z", "kim", "recovery_locked", jane)
            _ = try stage("2026-11-02 10:03Z", "kim", "recovery_verified", jane)
            let kimsDisable = try stage("2026-11-02 10:05Z", "kim", "2fa_disabled_support", jane)
            // Day 2: lee disables Bob two minutes after the check; the supervisor overrides.
            _ = try stage("2026-11-03 09:00Z", "lee", "recovery_verified", bob)
            _ = try stage("2026-11-03 09:02Z", "lee", "2fa_disabled_support", bob)
            _ = try stage("2026-11-03 15:00Z", "sup", "2fa_disabled_override", jane)
            _ = try stage("2026-11-03 16:00Z", "sup", "disable_approved", bob)
            // Day 3: an unlock, a dispute, and a review of kim's disable.
            _ = try stage("2026-11-04 08:00Z", "sup", "lock_cleared", jane)
            _ = try stage("2026-11-04 09:00Z", "portal", "2fa_disputed", bob)
            _ = try stage("2026-11-04 11:00Z", "sup", "review_approved", nil, target: "#\(kimsDisable)")
            // After the period: counted nowhere.
            _ = try stage("2026-11-05 11:00Z", "kim", "2fa_disabled_support", jane)
            // Some are chained, some still staged: the report reads both, as `log` does.
            try fixture.chainAuditEvents()
            _ = try stage("2026-11-04 12:00Z", "sup", "review_concern", nil, target: "#999999")
            return try body(fixture, fixture.database.uri(user: supervisor), fixture.database.uri(user: agent))
        }
    }

    func run(_ uri: String, _ command: String, format: String = "json") throws -> ProcessOutput {
        try BuiltProduct.run("support-desk", ["--db", uri, "--format", format, "-c", command], environment: ["TZ": "UTC"])
    }

    func object(_ output: ProcessOutput) throws -> [String: Any] {
        let line = output.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output.standardOutput)\(output.standardError)")
    }

    @Test func countsByAgentWithMedianAndBacklog() throws {
        try withDeskHistory { _, supervisor, _ in
            let output = try run(supervisor, "report --since 2026-11-02 --until 2026-11-04 --by agent")
            #expect(output.status == 0, "\(output.standardError)")
            let report = try object(output)
            let rows = try #require(report["rows"] as? [[String: Any]])
            let byGroup = Dictionary(uniqueKeysWithValues: rows.map { (($0["group"] as? String) ?? "total", $0) })
            #expect(rows.map { ($0["group"] as? String) ?? "total" } == ["kim", "lee", "portal", "sup", "total"])
            let total = try #require(byGroup["total"])
            #expect(total["total"] as? Bool == true)
            #expect(total["verifies"] as? Int == 2)
            #expect(total["mismatches"] as? Int == 2)
            #expect(total["locks"] as? Int == 1)
            #expect(total["disables"] as? Int == 2)
            #expect(total["overrides"] as? Int == 1)
            #expect(total["unlocks"] as? Int == 1)
            #expect(total["disputes"] as? Int == 1)
            #expect(total["approvals"] as? Int == 1)
            #expect(total["reviews"] as? Int == 2)
            #expect(total["concerns"] as? Int == 1)
            // 300 s (kim) and 120 s (lee): the median of two is their mean.
            #expect(total["median_seconds_to_disable"] as? Double == 210)
            #expect(total["timed_disables"] as? Int == 2)
            #expect(byGroup["kim"]?["median_seconds_to_disable"] as? Double == 300)
            #expect(byGroup["kim"]?["mismatches"] as? Int == 2)
            #expect(byGroup["sup"]?["overrides"] as? Int == 1)
            #expect(byGroup["sup"]?["median_seconds_to_disable"] is NSNull)
            // Waiting: the disable before the period, lee's, the override, the unlock and the
            // dispute; kim's was reviewed.
            #expect(report["backlog_pending"] as? Int == 5)
            let oldest = try #require(report["backlog_oldest"] as? [String: Any])
            #expect(oldest["action"] as? String == "2fa_disabled_support")
            #expect(oldest["occurred_at"] as? String == "2026-11-01T12:00:00.000000Z")
        }
    }

    @Test func byDayCustomerCSVAndTable() throws {
        try withDeskHistory { _, supervisor, _ in
            let days = try object(try run(supervisor, "report --since 2026-11-02 --until 2026-11-04 --by day"))
            let dayRows = try #require(days["rows"] as? [[String: Any]])
            #expect(dayRows.compactMap { $0["group"] as? String } == ["2026-11-02", "2026-11-03", "2026-11-04"])
            #expect(dayRows.map { $0["disables"] as? Int } == [1, 1, 0, 2])

            let customers = try object(try run(supervisor, "report --since 2026-11-02 --until 2026-11-04 --by customer"))
            let customerRows = try #require(customers["rows"] as? [[String: Any]])
            #expect(customerRows.map { $0["group"] as? String } == ["GB-2001", "MS-10442", nil, nil])

            let csv = try run(supervisor, "report --since 2026-11-02 --until 2026-11-04", format: "csv")
            #expect(csv.status == 0)
            let lines = csv.standardOutput.split(separator: "\n")
            #expect(lines.first == "group,total,verifies,mismatches,locks,disables,overrides,unlocks,disputes,approvals,rejections,reviews,concerns,median_seconds_to_disable,timed_disables")
            #expect(lines.dropFirst().map(String.init) == [",true,2,2,1,2,1,1,1,1,0,2,1,210.0,2"])

            let table = try run(supervisor, "report --since 2026-11-02 --until 2026-11-04 --by agent", format: "table")
            #expect(table.status == 0)
            #expect(table.standardOutput.contains("Review backlog: 5 waiting; the oldest is #"), "\(table.standardOutput)")
            #expect(table.standardOutput.contains("2fa_disabled_support by kim on member"))
            #expect(table.standardOutput.contains("3 min 30 s"), "\(table.standardOutput)")
        }
    }

    @Test func onlySupervisorsAndOnlyMeaningfulPeriods() throws {
        try withDeskHistory { _, supervisor, agent in
            let refused = try run(agent, "report")
            #expect(refused.status == 3)
            #expect(refused.standardOutput.contains(#""sqlstate":"DK002""#), "\(refused.standardOutput)")
            let backwards = try run(supervisor, "report --since 2026-11-04 --until 2026-11-02")
            #expect(backwards.status == 3)
            #expect(backwards.standardOutput.contains(#""sqlstate":"DK010""#))
            let week = try run(supervisor, "report --by week")
            #expect(week.status == 3)
            #expect(week.standardError.contains("--by must be one of: agent, day, customer"))
        }
    }

    /// The HTML page in headless Chromium: three charts of nonzero size whose bars and points
    /// carry the database's numbers, no script and no request for anything outside the page.
    @Test func theHTMLPageRendersItsChartsInChromium() throws {
        try withDeskHistory { _, supervisor, _ in
            let artifacts = ClusterScript.repositoryRoot + "/.build/browser-artifacts"
            try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
            let page = artifacts + "/report.html"
            try? FileManager.default.removeItem(atPath: page)
            let output = try run(supervisor, "report --since 2026-11-02 --until 2026-11-04 --by agent --html \(page)")
            #expect(output.status == 0, "\(output.standardError)")
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.contains("http://") || html.components(separatedBy: "http://").count == 4, "only the three SVG namespaces")
            let mode = try FileManager.default.attributesOfItem(atPath: page)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let browser = try ProcessRunner.run("python3", [ClusterScript.repositoryRoot + "/Tests/Browser/report_browser_test.py"], environment: [
                "REPORT_HTML": page,
                "SCREENSHOT": artifacts + "/report.png",
                // Disables per day by agent; overrides per day; the backlog at each day's end.
                "EXPECT": #"{"disables": {"2026-11-02|kim": 1, "2026-11-03|lee": 1}, "overrides": {"2026-11-03|overrides": 1}, "backlog": {"2026-11-02": 2, "2026-11-03": 4, "2026-11-04": 5}}"#,
            ])
            #expect(browser.status == 0, "\(browser.standardOutput)\n\(browser.standardError)")
            #expect(browser.standardOutput.contains("report page: all passed"))
        }
    }
}
