/// The plot area every chart of the report shares: size, margins, the y scale rounded up to a
/// readable maximum, and the axes with their labels. Charts are drawn by the console as SVG
/// text, so the page needs no script and no file beside it.
struct ChartFrame {
    let width = 760.0
    let height = 240.0
    let left = 48.0, right = 12.0, top = 12.0, bottom = 36.0
    /// The days along the x axis, `YYYY-MM-DD`, one slot each.
    let days: [String]
    /// The top of the y axis: the largest value rounded up to 1, 2 or 5 times a power of ten.
    let yMax: Int64

    init(days: [String], largest: Int64) {
        self.days = days
        yMax = Self.niceCeiling(max(largest, 1))
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }
    var slot: Double { plotWidth / Double(max(days.count, 1)) }

    /// The x of a day's slot (its left edge).
    func x(_ index: Int) -> Double { left + Double(index) * slot }

    /// The y of a value.
    func y(_ value: Double) -> Double { top + plotHeight * (1 - value / Double(yMax)) }

    /// The opening tag: a fixed drawing size that scales down with the page.
    func open(id: String, label: String) -> String {
        "<svg id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\" viewBox=\"0 0 \(HTMLText.number(width)) \(HTMLText.number(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\"><title>\(HTMLText.escape(label))</title>"
    }

    /// Grid lines at 0, half (when whole) and the top with their values, and up to seven day labels.
    func axes() -> String {
        var svg = "<g class=\"axes\">"
        // Counts are whole: the middle line only when it falls on a whole number.
        for fraction in yMax % 2 == 0 ? [0.0, 0.5, 1.0] : [0.0, 1.0] {
            let value = Double(yMax) * fraction
            let y = HTMLText.number(self.y(value))
            svg += "<line x1=\"\(HTMLText.number(left))\" y1=\"\(y)\" x2=\"\(HTMLText.number(width - right))\" y2=\"\(y)\" stroke=\"#d0d4da\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(HTMLText.number(left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"11\" fill=\"#555\">\(HTMLText.number(value))</text>"
        }
        let labels = min(days.count, 7)
        if labels > 0 {
            for step in 0..<labels {
                let index = labels == 1 ? 0 : step * (days.count - 1) / (labels - 1)
                let x = HTMLText.number(self.x(index) + slot / 2)
                svg += "<text x=\"\(x)\" y=\"\(HTMLText.number(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(HTMLText.escape(String(days[index].dropFirst(5))))</text>"
            }
        }
        return svg + "</g>"
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    static func niceCeiling(_ value: Int64) -> Int64 {
        var power: Int64 = 1
        while true {
            for step in [1, 2, 5] as [Int64] where step * power >= value { return step * power }
            power *= 10
        }
    }
}
