/// Writes human blocks as psql would: aligned tables with a header rule and a row count, a
/// record view for one member, and sentences. Every table and record cell is escaped here, so
/// database text never reaches the terminal raw.
enum HumanWriter {
    static func lines(for blocks: [HumanBlock], styler: Styler) -> [String] {
        var lines: [String] = []
        for block in blocks {
            switch block {
            case .line(let text, let tone):
                lines.append(styler.apply(tone, text))
            case .record(let pairs):
                let width = pairs.map { DisplayWidth.of($0.label) }.max() ?? 0
                for pair in pairs {
                    let label = styler.apply(.heading, DisplayWidth.pad(pair.label, to: width))
                    lines.append("\(label)  \(TerminalSafeText.escape(pair.value))")
                }
            case .table(let headers, let rows, let footer):
                lines += table(headers: headers, rows: rows, styler: styler)
                if let footer { lines.append(styler.apply(.muted, footer)) }
            }
        }
        return lines
    }

    private static func table(headers: [String], rows: [[String]], styler: Styler) -> [String] {
        let cells = rows.map { $0.map { TerminalSafeText.escape($0) } }
        var widths = headers.map(DisplayWidth.of)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        func line(_ values: [String]) -> String {
            let padded = values.enumerated().map { index, value in
                index == values.count - 1 ? value : DisplayWidth.pad(value, to: widths[index])
            }
            var text = " " + padded.joined(separator: " | ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")
        return [styler.apply(.heading, line(headers)), rule] + cells.map(line)
    }
}
