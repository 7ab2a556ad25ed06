import PGClient

/// The columns of one kind of result row, each named once together with how to read it: the
/// records (JSON objects, CSV rows) are built from it, and the CSV header, wanted even when no
/// row comes back, is its column names. Nothing else repeats the names.
struct RecordShape<Row>: Sendable {
    /// One column: its name in JSON and CSV, and its value for a row.
    struct Column: Sendable {
        let key: String
        let value: @Sendable (Row) -> ReportValue
    }

    let columns: [Column]

    init(_ columns: [Column]) { self.columns = columns }

    /// The column names, in order (the CSV header).
    var keys: [String] { columns.map(\.key) }

    /// The record for one row.
    func record(_ row: Row) -> ReportRecord {
        var record = ReportRecord(capacity: columns.count)
        for column in columns { record.add(column.key, column.value(row)) }
        return record
    }
}

extension RecordShape.Column {
    /// A text column (null when absent).
    static func text(_ key: String, _ read: @escaping @Sendable (Row) -> String?) -> Self {
        Self(key: key) { read($0).map(ReportValue.text) ?? .null }
    }
    /// A whole-number column.
    static func integer(_ key: String, _ read: @escaping @Sendable (Row) -> Int64?) -> Self {
        Self(key: key) { read($0).map(ReportValue.integer) ?? .null }
    }
    /// A time column.
    static func time(_ key: String, _ read: @escaping @Sendable (Row) -> PGTimestamp?) -> Self {
        Self(key: key) { read($0).map(ReportValue.time) ?? .null }
    }
    /// A yes/no column.
    static func flag(_ key: String, _ read: @escaping @Sendable (Row) -> Bool) -> Self {
        Self(key: key) { .bool(read($0)) }
    }
    /// One of a closed set of names (a role, an action), as the database spells it.
    static func name<Name: RawRepresentable & SendableMetatype>(_ key: String, _ read: @escaping @Sendable (Row) -> Name?) -> Self where Name.RawValue == String {
        Self(key: key) { read($0).map { ReportValue.text($0.rawValue) } ?? .null }
    }
}
