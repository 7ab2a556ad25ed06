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
        let rows = report.csvRows
        let columns = rows.first?.fields.map(\.key) ?? report.rowColumns
        guard !columns.isEmpty else { return [] }
        let header = columns.map { cell($0, isText: true) }.joined(separator: ",")
        return [header] + rows.map { row in
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
