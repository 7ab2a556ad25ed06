/// A column of a result: its name and PostgreSQL type.
public struct PGColumn: Sendable, Equatable {
    /// The column name as the query labelled it.
    public let name: String
    /// The type OID (see `pg_type`).
    public let typeOID: UInt32
}

/// The complete outcome of one statement, copied out of libpq so it owns no C memory.
public struct PGResult: Sendable {
    /// The columns, in order (empty for commands that return no rows).
    public let columns: [PGColumn]
    /// The rows, in the order the server sent them.
    public let rows: [PGRow]
    /// The command tag, e.g. `INSERT 0 1` or `SELECT 3`.
    public let commandTag: String
    /// Rows affected for INSERT/UPDATE/DELETE/COPY/SELECT…, when the server reports it.
    public let affectedRows: Int?
    /// NOTICE and WARNING messages the server sent while running the statement.
    public let notices: [PGNotice]
}

/// One result row; values are addressed by position or by column name.
public struct PGRow: Sendable {
    /// The row's values, in column order.
    public let values: [PGValue]
    @usableFromInline let columns: [PGColumn]

    /// The value at a column position.
    public subscript(index: Int) -> PGValue { values[index] }

    /// The value of the first column with this name, or nil when there is none.
    public subscript(column name: String) -> PGValue? {
        columns.firstIndex(where: { $0.name == name }).map { values[$0] }
    }

    /// Reads the value at `index` as `type`, or throws a decoding error naming the column.
    /// (Inlinable, so callers get it specialised for each type instead of looking the type up
    /// at run time on every call.)
    @inlinable
    public func decode<T: PGDecodable>(_ type: T.Type, at index: Int) throws(PGError) -> T {
        guard values.indices.contains(index) else {
            throw PGError(.decoding, message: "no column \(index); the row has \(values.count)")
        }
        guard let decoded = T.decode(values[index]) else {
            throw PGError(.decoding, message: "column \"\(columns[index].name)\" (type \(columns[index].typeOID), value \(values[index])) is not a \(T.self)")
        }
        return decoded
    }

    /// Reads the named column as `type`, or throws a decoding error.
    @inlinable
    public func decode<T: PGDecodable>(_ type: T.Type, column name: String) throws(PGError) -> T {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            throw PGError(.decoding, message: "the result has no column \"\(name)\"")
        }
        return try decode(type, at: index)
    }
}

/// A NOTICE, WARNING or other non-error message from the server.
public struct PGNotice: Sendable, Equatable {
    /// `NOTICE`, `WARNING`, `INFO`, …
    public let severity: String
    /// The SQLSTATE of the message.
    public let sqlState: SQLState?
    /// The message text.
    public let message: String
}
