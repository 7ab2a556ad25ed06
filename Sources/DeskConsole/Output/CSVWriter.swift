import Foundation

/// Writes results as RFC 4180 CSV for spreadsheets. Supervisors open log exports in them, so a
/// text cell that a spreadsheet would run as a formula (`= + - @`, or a leading tab or CR) gets
/// a leading `'` and is shown, never evaluated.
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

    /// One cell, neutralised when text and quoted when needed.
    static func cell(_ text: String, isText: Bool) -> String {
        var value = text
        if isText, let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.first == " " || value.last == " "
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
