import PGClient
import SupportClient

/// The report as one self-contained HTML page a supervisor opens in a browser: the counts, the
/// review backlog and three charts drawn here as inline SVG (disables per day stacked by agent,
/// overrides per day, the backlog over time). No script, no stylesheet or image beside it, and a
/// Content-Security-Policy that forbids both, so the page shows the same offline, in a mail
/// attachment or from a ticket; every text from the database is escaped.
struct ReportPage {
    let report: DeskReport
    let times: TimeText
    let generatedAt: PGTimestamp

    /// How many agents get a colour of their own in the stacked chart; the rest are "other agents".
    static let namedAgents = 8
    /// Colours told apart by most readers, colour-blind ones included (Okabe–Ito, then greys).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static let othersColour = "#9AA0A6"

    /// The days of the period, in order (one per day, whether anything happened or not).
    var days: [String] {
        if !report.backlogDays.isEmpty { return report.backlogDays.map(\.day) }
        return Array(Set(report.dailyDisables.map(\.day))).sorted()
    }

    /// Disables per day, one series per busiest agent and one for the others.
    var disablesChart: StackedBarChart {
        let days = self.days
        let position = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var perAgent: [String: [Int64]] = [:]
        for row in report.dailyDisables where row.disables > 0 {
            guard let index = position[row.day] else { continue }
            perAgent[row.agent, default: Array(repeating: 0, count: days.count)][index] += row.disables
        }
        let ranked = perAgent.sorted { ($0.value.reduce(0, +), $1.key) > ($1.value.reduce(0, +), $0.key) }
        var series = ranked.prefix(Self.namedAgents).enumerated().map { index, entry in
            StackedBarChart.Series(name: entry.key, colour: Self.palette[index % Self.palette.count], values: entry.value)
        }
        let rest = ranked.dropFirst(Self.namedAgents)
        if !rest.isEmpty {
            let values = days.indices.map { day in rest.reduce(0) { $0 + $1.value[day] } }
            series.append(.init(name: "\(rest.count) other agents", colour: Self.othersColour, values: values))
        }
        return StackedBarChart(id: "chart-disables", label: "Support disables per day, by agent", unit: "disables",
                               days: days, series: series)
    }

    /// Overrides per day, all supervisors together.
    var overridesChart: StackedBarChart {
        let days = self.days
        let position = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var values = Array(repeating: Int64(0), count: days.count)
        for row in report.dailyDisables { if let index = position[row.day] { values[index] += row.overrides } }
        return StackedBarChart(id: "chart-overrides", label: "Overrides per day", unit: "overrides", days: days,
                               series: [.init(name: "overrides", colour: "#D55E00", values: values)])
    }

    /// The backlog at the end of each day.
    var backlogChart: LineChart {
        LineChart(id: "chart-backlog", label: "Review backlog at the end of each day", unit: "waiting",
                  days: report.backlogDays.map(\.day), values: report.backlogDays.map(\.pending))
    }

    /// The whole page.
    var html: String {
        let period = "\(times.absolute(report.period.since)) – \(times.absolute(report.period.until))"
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>SupportDesk report, \(HTMLText.escape(period))</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328}
            h1{font-size:1.5rem;margin-bottom:.25rem} h2{font-size:1.15rem;margin-top:2rem}
            .muted{color:#57606a} table{border-collapse:collapse;font-size:.9rem;margin-top:.5rem}
            th,td{border-bottom:1px solid #d0d7de;padding:.3rem .6rem;text-align:right} th:first-child,td:first-child{text-align:left}
            tr.total td{font-weight:600;border-top:2px solid #57606a}
            figure{margin:1rem 0} svg{max-width:100%;height:auto} figcaption{font-weight:600;margin-bottom:.3rem}
            ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;font-size:.85rem}
            .backlog{padding:.6rem .8rem;background:#fff8e6;border-left:4px solid #c46a00}
            </style></head><body>
            <h1>SupportDesk report</h1>
            <p class="muted">\(HTMLText.escape(period)) (days in \(HTMLText.escape(report.period.timeZone))); made \(HTMLText.escape(times.absolute(generatedAt))).</p>

            """
        page += countsTable + backlogParagraph
        page += "<h2>Charts</h2>"
        let disables = disablesChart
        page += "<figure><figcaption>Support disables per day, by agent</figcaption>\(disables.svg)\(disables.legend)</figure>"
        page += "<figure><figcaption>Overrides per day</figcaption>\(overridesChart.svg)</figure>"
        page += "<figure><figcaption>Review backlog at the end of each day</figcaption>\(backlogChart.svg)</figure>"
        page += "<p class=\"muted\">Review items are support disables, overrides, unlocks and disputes; one is waiting until a supervisor approves it or raises a concern.</p>"
        return page + "</body></html>\n"
    }

    /// The counts, one row per group and the total.
    private var countsTable: String {
        let first = report.grouping?.rawValue ?? "period"
        var html = "<h2>Activity</h2><table id=\"counts\"><thead><tr><th>\(HTMLText.escape(first))</th>"
        for column in CommandRunner.countColumns { html += "<th>\(HTMLText.escape(column.header))</th>" }
        html += "<th>median to disable</th></tr></thead><tbody>"
        for row in report.rows {
            html += row.isTotal ? "<tr class=\"total\">" : "<tr>"
            html += "<td>\(HTMLText.escape(row.isTotal ? "total" : row.key ?? "(none)"))</td>"
            for column in CommandRunner.countColumns { html += "<td>\(column.count(row))</td>" }
            html += "<td>\(row.medianSecondsToDisable.map { HTMLText.escape(CommandRunner.duration($0)) } ?? "–")</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// How many review items wait, and the oldest.
    private var backlogParagraph: String {
        guard let oldest = report.backlog.oldest else {
            return "<h2>Review backlog</h2><p class=\"backlog\" id=\"backlog\">Nothing waiting for review.</p>"
        }
        return "<h2>Review backlog</h2><p class=\"backlog\" id=\"backlog\"><strong>\(report.backlog.pending)</strong> waiting for review. The oldest: #\(oldest.eventID), \(HTMLText.escape(oldest.action)) by \(HTMLText.escape(oldest.actor)) on \(HTMLText.escape(oldest.target))\(oldest.accountNumber.map { " (" + HTMLText.escape($0) + ")" } ?? ""), \(HTMLText.escape(times.absolute(oldest.occurredAt))).</p>"
    }
}
