/// Writes human blocks as psql would: aligned tables with a header rule and a row count, a
/// record view for one member, and sentences. Every table and record cell is escaped here (a
/// spooled table's cells were escaped as they were spooled), and a sentence escaped what it
/// quotes as it was built (`ConsoleText`), so database text never reaches the terminal raw.
enum HumanWriter {
    /// Every line of `blocks`, collected.
    static func lines(for blocks: [HumanBlock], styler: Styler) -> [String] {
        var lines: [String] = []
        write(blocks, styler: styler) { lines.append($0) }
        return lines
    }

    /// Hands the lines of `blocks` to `line` one at a time, so a spooled table is never held whole.
    static func write(_ blocks: [HumanBlock], styler: Styler, line: (String) -> Void) {
        for block in blocks {
            switch block {
            case .line(let text, let tone):
                line(styler.apply(tone, text.text))
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
                layout.header(styler: styler).forEach(line)
                cells.forEach { line(layout.line($0)) }
                if let footer { line(styler.apply(.muted, footer)) }
            case .spooledTable(let headers, let spool, let footer):
                var layout = TableLayout(headers: headers)
                layout.widen(toAtLeast: spool.widths)
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

    /// The heading line and the rule under it.
    func header(styler: Styler) -> [String] {
        [styler.apply(.heading, line(headers)), widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")]
    }

    /// One row, padded to the widths (the last column is not padded).
    func line(_ values: [String]) -> String {
        let padded = values.enumerated().map { index, value in
            index == values.count - 1 || index >= widths.count ? value : DisplayWidth.pad(value, to: widths[index])
        }
        var text = " " + padded.joined(separator: " | ")
        while text.last == " " { text.removeLast() }
        return text
    }
}
