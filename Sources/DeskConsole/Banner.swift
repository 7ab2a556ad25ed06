import PortalStore

/// The first lines an agent sees: which database, as whom. Everything from the server goes
/// through `TerminalSafeText`, since even a database name can carry escape sequences.
public enum Banner {
    /// The banner for a connection.
    public static func render(_ summary: ServerSummary, program: String = "support-desk") -> String {
        let safe = { (text: String) in TerminalSafeText.escape(text) }
        var lines = ["\(program) — connected to \(safe(summary.database)) as \(safe(summary.sessionUser)) (PostgreSQL \(safe(summary.serverVersion)), \(safe(summary.host)):\(safe(summary.port)))"]
        if summary.inRecovery { lines.append("This server is a read-only standby: look-ups work, changes will be refused.") }
        return lines.joined(separator: "\n")
    }
}
