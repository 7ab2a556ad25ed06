import PGClient
import Foundation

/// Writes results as RFC 4180 CSV for spreadsheets. Supervisors open log exports in them, so a
/// text cell that a spreadsheet would run as a formula (`= + - @`, or a leading tab or CR) gets
/// a leading `'` and is shown, never evaluated. Control characters are escaped as in the table
/// format (`\n`, `\x1B`, `\u{202E}`, a backslash doubled), so a cell never carries a raw control
/// byte: no line break that a careless reader takes for a new row, no escape sequence reaching
/// the terminal of someone who `cat`s the export.
enum CSVWriter {
    /// The header line and one line per row.
    static func lines(for report: CommandReport) -> [String] {
        var lines: [String] = []
        var headers = Set<String>()
        write(report, headersWritten: &headers) { lines.append($0) }
        return lines
    }

    /// The same lines handed to `line` one at a time; a spooled page (`report.spool`) is copied
    /// from its file row by row. A header already in `headersWritten` is not written again, so a
    /// run of several commands gives one header per kind of table: ten `log` pages load as one.
    static func write(_ report: CommandReport, headersWritten: inout Set<String>, line: (String) -> Void) {
        func writeHeader(_ columns: [String]) {
            let text = header(columns)
            if headersWritten.insert(text).inserted { line(text) }
        }
        guard !report.streamed else { return }
        if let spool = report.spool {
            guard !report.rowColumns.isEmpty else { return }
            writeHeader(report.rowColumns)
            spool.forEachLine(line)
            return
        }
        let rows = report.csvRows
        let columns = rows.first?.fields.map(\.key) ?? report.rowColumns
        guard !columns.isEmpty else { return }
        writeHeader(columns)
        rows.forEach { line(row($0)) }
    }

    static func header(_ columns: [String]) -> String {
        columns.map { cell($0, isText: true) }.joined(separator: ",")
    }

    /// One row's line.
    static func row(_ row: ReportRecord) -> String {
        row.fields.map { field in
            switch field.value {
            case .text(let text): cell(text, isText: true)
            case .integer(let number): String(number)
            case .number(let number): String(number)
            case .bool(let flag): flag ? "true" : "false"
            case .time(let time): time.description
            case .null, .records, .record: ""
            }
        }.joined(separator: ",")
    }

    /// One cell: escaped, neutralised when text (judged on the text as stored, as the README
    /// promises), and quoted when needed.
    static func cell(_ text: String, isText: Bool) -> String {
        var value = TerminalSafeText.escape(text)
        if isText, let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" }
            || value.first == " " || value.last == " "
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
