/// How results are written: `table` for people, `json` (one object per command per line) and
/// `csv` for scripts and spreadsheets.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

/// What a batch run does after a failed command.
public enum ErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at once, exit 3 (the default).
    case stop
    /// Go on, exit 1 at the end.
    case `continue`
}
