extension PGResult {
    /// The one row a statement is known to return (a function call, a `count(*)`); a result
    /// with none or several is a decoding error naming the command, where `rows[0]` would trap.
    public func single() throws(PGError) -> PGRow {
        guard rows.count == 1 else {
            throw PGError(.decoding, message: "expected exactly one row from \(commandTag.isEmpty ? "the statement" : commandTag), got \(rows.count)")
        }
        return rows[0]
    }
}
