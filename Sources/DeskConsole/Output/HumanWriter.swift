/// Writes human blocks as psql would: aligned tables with a header rule and a row count, a
/// record view for one member, and sentences. Every table and record cell is escaped here (a
/// spooled table's cells were escaped as they were spooled), and a sentence escaped what it
/// quotes as it was built (`ConsoleText`), so database text never reaches the terminal raw.
///
/// With the terminal's width known, a table too wide for it has its widest cells cut (ending in
/// `…`; the full text is in `show` and in JSON) instead of wrapping every row, and paragraphs are
/// wrapped at word boundaries.
enum HumanWriter {
    /// The width paragraphs wrap at when the output is no terminal.
    static let defaultParagraphWidth = 80

    /// Every line of `blocks`, collected.
    static func lines(for blocks: [HumanBlock], styler: Styler, width: Int? = nil) -> [String] {
        var lines: [String] = []
        write(blocks, styler: styler, width: width) { lines.append($0) }
        return lines
    }

    /// Hands the lines of `blocks` to `line` one at a time, so a spooled table is never held whole.
    static func write(_ blocks: [HumanBlock], styler: Styler, width: Int? = nil, line: (String) -> Void) {
        for block in blocks {
            switch block {
            case .line(let text, let tone):
                line(styler.apply(tone, text.text))
            case .paragraph(let text, let tone, let indent):
                let margin = String(repeating: " ", count: indent)
                let columns = max((width ?? defaultParagraphWidth) - indent, 20)
                for part in DisplayWidth.wrap(text.text, to: columns) { line(styler.apply(tone, margin + part)) }
            case .record(let pairs):
                let width = pairs.map { DisplayWidth.of($0.label) }.max() ?? 0
                for pair in pairs {
                    let label = styler.apply(.heading, DisplayWidth.pad(pair.label, to: width))
                    line("\(label)  \(TerminalSafeText.escape(pair.value))")
                }
            case .table(let headers, let rows, let footer):
                let cells = rows.map { $0.map { TerminalSafeText.escape($0) } }
                var layout = TableLayout(headers: headers)
                cells.forEach { layout.widen(for: $0) }
                if let width { layout.fit(to: width) }
                layout.header(styler: styler).forEach(line)
                cells.forEach { line(layout.line($0)) }
                if let footer { line(styler.apply(.muted, footer)) }
            case .spooledTable(let headers, let spool, let footer):
                var layout = TableLayout(headers: headers)
                layout.widen(toAtLeast: spool.widths)
                if let width { layout.fit(to: width) }
                layout.header(styler: styler).forEach(line)
                spool.forEachLine { line(layout.line(RowSpool.cells(of: $0))) }
                if let footer { line(styler.apply(.muted, footer)) }
            }
        }
    }
}

/// The column widths of a psql-style table and how its lines are laid out.
struct TableLayout {
    let headers: [String]
    private(set) var widths: [Int]

    init(headers: [String]) {
        self.headers = headers
        widths = headers.map(DisplayWidth.of)
    }

    /// Makes room for a row of escaped cells.
    mutating func widen(for cells: [String]) {
        for (index, cell) in cells.enumerated() where index < widths.count {
            widths[index] = max(widths[index], DisplayWidth.of(cell))
        }
    }

    /// Makes room for columns at least this wide.
    mutating func widen(toAtLeast columns: [Int]) {
        for (index, width) in columns.enumerated() where index < widths.count {
            widths[index] = max(widths[index], width)
        }
    }

    /// The columns the widest line takes: the rule under the heading, two more than each column
    /// and a `+` between them (a row is one shorter).
    var lineWidth: Int { widths.reduce(0, +) + 3 * widths.count - 1 }

    /// Narrows the widest columns, one column at a time, until a line fits `columns` or every
    /// column is down to `minimum` (a table of many columns on a narrow terminal still wraps).
    mutating func fit(to columns: Int, minimum: Int = 8) {
        var excess = lineWidth - columns
        while excess > 0, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > minimum {
            let next = widths.enumerated().filter { $0.offset != widest }.map(\.element).max() ?? minimum
            let cut = min(excess, widths[widest] - max(next, minimum), widths[widest] - minimum)
            widths[widest] -= max(cut, 1)
            excess -= max(cut, 1)
        }
        cutting = true
    }

    /// Whether cells longer than their column are cut (after `fit`).
    private var cutting = false

    /// The heading line and the rule under it.
    func header(styler: Styler) -> [String] {
        [styler.apply(.heading, line(headers)), widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")]
    }

    /// One row, padded to the widths (the last column is not padded).
    func line(_ values: [String]) -> String {
        let padded = values.enumerated().map { index, value in
            let shown = cutting && index < widths.count ? DisplayWidth.cut(value, to: widths[index]) : value
            return index == values.count - 1 || index >= widths.count ? shown : DisplayWidth.pad(shown, to: widths[index])
        }
        var text = " " + padded.joined(separator: " | ")
        while text.last == " " { text.removeLast() }
        return text
    }
}
