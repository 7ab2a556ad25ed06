/// A bar per day, stacked by series (agents): the report's "disables per day by agent" and,
/// with one series, its overrides per day. Each bar segment carries its day, series and count
/// as data attributes and a tooltip, so a reader (or a test) can check every number.
struct StackedBarChart {
    /// One stacked series: its name, colour and a value per day (aligned with the frame's days).
    struct Series {
        let name: String
        let colour: String
        let values: [Int64]
    }

    let id: String
    let label: String
    /// What one unit counts, for tooltips ("disables").
    let unit: String
    let days: [String]
    let series: [Series]

    /// The chart as one `<svg>` element.
    var svg: String {
        let totals = days.indices.map { day in series.reduce(0) { $0 + $1.values[day] } }
        let frame = ChartFrame(days: days, largest: totals.max() ?? 0)
        var svg = frame.open(id: id, label: label) + frame.axes()
        let barWidth = max(frame.slot * 0.8, 0.5)
        svg += "<g class=\"bars\">"
        for (index, day) in days.enumerated() {
            var base = 0.0
            for entry in series where entry.values[index] > 0 {
                let count = Double(entry.values[index])
                let top = frame.y(base + count), bottom = frame.y(base)
                svg += "<rect class=\"bar\" x=\"\(HTMLText.number(frame.x(index) + (frame.slot - barWidth) / 2))\" y=\"\(HTMLText.number(top))\" width=\"\(HTMLText.number(barWidth))\" height=\"\(HTMLText.number(bottom - top))\" fill=\"\(entry.colour)\" data-day=\"\(HTMLText.escape(day))\" data-series=\"\(HTMLText.escape(entry.name))\" data-count=\"\(entry.values[index])\"><title>\(HTMLText.escape(day)) · \(HTMLText.escape(entry.name)): \(entry.values[index]) \(HTMLText.escape(unit))</title></rect>"
                base += count
            }
        }
        return svg + "</g></svg>"
    }

    /// The legend under the chart: a swatch and the series' name and total.
    var legend: String {
        var html = "<ul class=\"legend\">"
        for entry in series {
            html += "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"\(entry.colour)\"/></svg> \(HTMLText.escape(entry.name)) (\(entry.values.reduce(0, +)))</li>"
        }
        return html + "</ul>"
    }
}
