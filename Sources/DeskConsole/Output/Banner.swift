public import DeskDatabase
public import SupportClient

/// The first lines an agent sees: which database, as whom. Everything from the server goes
/// through `TerminalSafeText`, since even a database name can carry escape sequences.
public enum Banner {
    /// The banner for a connection.
    public static func render(_ summary: ServerSummary, identity: AgentIdentity? = nil, colour: Bool = false,
                              program: String = "support-desk") -> String {
        let safe = { (text: String) in TerminalSafeText.escape(text) }
        let styler = Styler(colour: colour)
        var lines = [styler.apply(.heading, "\(program) — connected to \(safe(summary.database)) as \(safe(summary.sessionUser))") + " (PostgreSQL \(safe(summary.serverVersion)), \(safe(summary.host)):\(safe(summary.port)))"]
        if let identity {
            lines.append(identity.isSupervisor
                ? styler.apply(.warning, "You are a supervisor: override, unlock and log are open to you.")
                : "You are an agent: find, show, verify, disable-2fa.")
            if let locked = identity.lockedUntil {
                lines.append(styler.apply(.danger, "Your code checks are locked until \(TimeText().deadline(locked)); ask a supervisor."))
            }
        }
        if summary.inRecovery { lines.append("This server is a read-only standby: look-ups work, changes will be refused.") }
        return lines.joined(separator: "\n")
    }
}
