public import Foundation

/// Which database a command talks to, decided the same way by every SupportDesk program.
///
/// Order: the `--db` flag, then `DATABASE_URL`, then libpq's own defaults (PG* variables, the
/// service file, `.pgpass`), which an empty connection string selects. The string is handed to
/// libpq untouched, so anything psql accepts works here too.
public enum DatabaseAddress {
    /// The connection string to open. An empty result means "libpq defaults".
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return url }
        return ""
    }

    /// Where the resolved string came from, for error messages that tell people what to fix.
    public static func source(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return "--db" }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return "DATABASE_URL" }
        return "libpq defaults (PGHOST, PGDATABASE, PGUSER, PGSERVICE, …)"
    }
}
