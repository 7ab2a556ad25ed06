/// The review backlog over time: a shaded line through each day's value, with a point per day
/// carrying its day and count (data attributes and a tooltip).
struct LineChart {
    let id: String
    let label: String
    let unit: String
    let days: [String]
    let values: [Int64]

    /// The chart as one `<svg>` element.
    var svg: String {
        let frame = ChartFrame(days: days, largest: values.max() ?? 0)
        var svg = frame.open(id: id, label: label) + frame.axes()
        let points = values.enumerated().map { index, value in
            (frame.x(index) + frame.slot / 2, frame.y(Double(value)))
        }
        if let first = points.first, let last = points.last {
            let line = points.map { "\(HTMLText.number($0.0)),\(HTMLText.number($0.1))" }.joined(separator: " ")
            let floor = HTMLText.number(frame.y(0))
            svg += "<polygon class=\"area\" points=\"\(HTMLText.number(first.0)),\(floor) \(line) \(HTMLText.number(last.0)),\(floor)\" fill=\"#f4c27a\" fill-opacity=\"0.35\"/>"
            svg += "<polyline class=\"line\" points=\"\(line)\" fill=\"none\" stroke=\"#c46a00\" stroke-width=\"2\"/>"
        }
        svg += "<g class=\"points\">"
        for (index, point) in points.enumerated() {
            svg += "<circle class=\"point\" cx=\"\(HTMLText.number(point.0))\" cy=\"\(HTMLText.number(point.1))\" r=\"\(days.count > 62 ? "1.5" : "3")\" fill=\"#c46a00\" data-day=\"\(HTMLText.escape(days[index]))\" data-count=\"\(values[index])\"><title>\(HTMLText.escape(days[index])): \(values[index]) \(HTMLText.escape(unit))</title></circle>"
        }
        return svg + "</g></svg>"
    }
}
