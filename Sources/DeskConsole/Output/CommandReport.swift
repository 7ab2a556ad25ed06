public import PGClient

/// A value in a command's result, typed so each format can write it by its own rules. Not
/// `indirect`: the records it nests are held by arrays already, and an indirect case would box
/// every value of every row on the heap (a 20-row `find` makes 240 of them).
public enum ReportValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case time(PGTimestamp)
    case null
    case records([ReportRecord])
    case record(ReportRecord)
}

/// One named value of a result.
public struct ReportField: Sendable, Equatable {
    public let key: String
    public let value: ReportValue

    public init(_ key: String, _ value: ReportValue) {
        self.key = key
        self.value = value
    }
}

/// An ordered set of named values: a JSON object, a CSV row.
public struct ReportRecord: Sendable, Equatable {
    public var fields: [ReportField]

    public init(_ fields: [ReportField] = []) { self.fields = fields }

    /// An empty record with room for `capacity` fields (no regrowth while they are added).
    init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    mutating func add(_ key: String, _ value: ReportValue) { fields.append(ReportField(key, value)) }
    mutating func add(_ key: String, _ text: String?) { add(key, text.map(ReportValue.text) ?? .null) }
    mutating func add(_ key: String, _ time: PGTimestamp?) { add(key, time.map(ReportValue.time) ?? .null) }
    mutating func add(_ key: String, _ number: Int64?) { add(key, number.map(ReportValue.integer) ?? .null) }
    mutating func add(_ key: String, _ flag: Bool) { add(key, .bool(flag)) }
    /// One of a closed set of names (a role, an action, a lock's scope), as the database spells it.
    mutating func add<Name: RawRepresentable>(_ key: String, _ name: Name?) where Name.RawValue == String {
        add(key, name?.rawValue)
    }
}

/// How a line of human output should look; colour is applied only on a terminal.
public enum Tone: Sendable, Equatable {
    case plain, success, danger, warning, heading, muted
}

/// A piece of human-readable output.
public enum HumanBlock: Sendable {
    /// Aligned columns, psql style, with an optional footer like `(3 matches)`.
    case table(headers: [String], rows: [[String]], footer: String?)
    /// One `label  value` pair per line, for `show`.
    case record([(label: String, value: String)])
    /// A sentence; what it quotes from the database was escaped as it was built (`ConsoleText`).
    case line(ConsoleText, Tone)
    /// A table whose rows wait in a spool (a large `log` page), written row by row.
    case spooledTable(headers: [String], spool: RowSpool, footer: String?)
    /// Running text (help's details), wrapped at word boundaries to the terminal's width (80
    /// columns when the output is no terminal), each line indented.
    case paragraph(ConsoleText, Tone, indent: Int)
}

/// What one command produced, in a form every output format can write.
public struct CommandReport: Sendable {
    /// The command's name, for JSON's `command`.
    public let command: String
    /// The result's fields, for JSON (after `ok` and `command`) and single-row CSV.
    public var fields = ReportRecord()
    /// The key in `fields` whose records are the CSV rows (find matches, log events).
    public var rowsKey: String?
    /// The CSV header when those rows are none (so a script still sees the columns).
    public var rowColumns: [String] = []
    /// What a person sees.
    public var human: [HumanBlock] = []
    /// Set when the command ran but its answer is a failure (a rejected code): `ok` is false.
    public var failure: ConsoleFailure?
    /// The rows of `rowsKey`, when they wait in a spool rather than in `fields` (a large page).
    public var spool: RowSpool?
    /// Set when the command wrote its rows as they arrived (`log follow`): CSV writes nothing
    /// more, so the stream stays one header and its rows.
    public var streamed = false

    public init(command: String) { self.command = command }

    /// The rows CSV writes: the named list, or the scalar fields as one row.
    var csvRows: [ReportRecord] {
        if let rowsKey, case .records(let rows)? = fields.fields.first(where: { $0.key == rowsKey })?.value { return rows }
        var row = ReportRecord()
        for field in fields.fields {
            switch field.value {
            case .records: continue
            case .record(let inner): inner.fields.forEach { row.add("\(field.key)_\($0.key)", $0.value) }
            default: row.fields.append(field)
            }
        }
        return [row]
    }
}
