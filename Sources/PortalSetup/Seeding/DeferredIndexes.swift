import TOTPCore
import PortalCore
import DeskDatabase
import PGClient

/// Secondary indexes set aside during a bulk load and rebuilt after it: building a trigram
/// index once over a million rows is several times faster than updating it row by row. The
/// definitions come from the catalog, so the rebuilt indexes are exactly the migrations' own.
/// Indexes that back constraints (primary keys, UNIQUE constraints) stay in place.
struct DeferredIndexes {
    /// `CREATE INDEX …` statements to run after the load.
    let definitions: [String]

    /// Drops the secondary indexes of `tables` (inside the caller's transaction) and remembers
    /// how to rebuild them.
    static func drop(on tables: [String], _ connection: PGConnection) throws -> DeferredIndexes {
        let rows = try connection.query("""
            SELECT pg_get_indexdef(i.indexrelid), format('%I.%I', n.nspname, c.relname)
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE i.indrelid = ANY (string_to_array($1::text, ',')::regclass[])
               AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            """, [tables.joined(separator: ",")]).rows
        var definitions: [String] = []
        for row in rows {
            definitions.append(try row.decode(String.self, at: 0))
            // The name comes from the catalog, quoted by the server's format('%I').
            try connection.query("DROP INDEX \(try row.decode(String.self, at: 1))")
        }
        return DeferredIndexes(definitions: definitions)
    }

    /// Rebuilds every index that was dropped.
    func rebuild(_ connection: PGConnection) throws {
        for definition in definitions { try connection.query(definition) }
    }
}
