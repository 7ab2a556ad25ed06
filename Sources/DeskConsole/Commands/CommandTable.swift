import DeskDatabase

/// Every console command, in the order `help` lists them.
public enum CommandTable {
    public static let all: [CommandSpec] = [
        CommandSpec(.find, synopsis: "QUERY [--limit N]",
                    summary: "ranked matches for an email, account number, phone number or name",
                    details: "Exact emails and account numbers come first, then phone numbers and names, typos included. Rows are numbered: interactively, `show 2` means the second row.",
                    flags: [.init(name: "limit", value: "N", help: "at most N matches (default 20)")],
                    positionals: (1, nil), action: .lookUp(CommandRunner.find)),
        CommandSpec(.show, synopsis: "USER [--events N]",
                    summary: "one member in full: 2FA, mandatory, codes left, locks, recent events",
                    details: "USER is an email, #ID, or interactively a row number of the last find.",
                    flags: [.init(name: "events", value: "N", help: "how many recent events (default 5; 0 for none)")],
                    positionals: (1, 1), namesMember: true, action: .lookUp(CommandRunner.show)),
        CommandSpec(.verify, synopsis: "USER [CODE]",
                    summary: "check a recovery code read by the caller",
                    details: "Without CODE the console asks for it, so it never enters the history, and reads the groups back to repeat to the caller; in a -c or -f script it reads the code from standard input, one line per verify, so it never shows in ps. Spaces, dashes, case and O/I/L are forgiven. A misheard character is caught at once and not counted; each mismatch is, and too many lock recovery for the member.",
                    positionals: (1, nil), namesMember: true, action: .change(CommandRunner.verify)),
        CommandSpec(.disable, synopsis: "USER --reason TEXT --ticket REF [--override] [--yes]",
                    summary: "remove a member's 2FA after your own code match (supervisors: --override)",
                    details: "Needs a match by you for this member in the last minutes (see verify), a reason and a ticket reference. Asks y/N when interactive. Supervisors may --override the code check; it is logged as such. A lost connection never repeats a disable: the console looks up what happened.",
                    flags: [.init(name: "reason", value: "TEXT", help: "why, in words (quote it)"),
                            .init(name: "ticket", value: "REF", help: "the support ticket, like SUP-4411"),
                            .init(name: "override", value: nil, help: "supervisors: without a code check"),
                            .init(name: "yes", value: nil, help: "do not ask for confirmation")],
                    positionals: (1, 1), namesMember: true, action: .change(CommandRunner.disable)),
        CommandSpec(.unlock, synopsis: "USER --reason TEXT [--yes] | unlock --agent NAME --reason TEXT [--yes]",
                    summary: "supervisors: end a member's (or an agent's) code-check lock early",
                    flags: [.init(name: "reason", value: "TEXT", help: "why, in words (quote it)"),
                            .init(name: "agent", value: "NAME", help: "unlock this agent instead of a member"),
                            .init(name: "yes", value: nil, help: "do not ask for confirmation")],
                    positionals: (0, 1), supervisorOnly: true, namesMember: true, action: .change(CommandRunner.unlock)),
        CommandSpec(.log, synopsis: "[--since 7d|DATE] [--until DATE] [--agent A] [--customer ACCOUNT] [--user EMAIL] [--action A] [--limit N] [--before SEQ]",
                    summary: "supervisors: the audit log, newest first",
                    details: "--since takes 30m, 12h, 7d, 2w, or a date (2026-11-29, 2026-11-29 14:00, ISO 8601) in local time unless it names a zone. Actions: " + AuditAction.names.joined(separator: ", ") + ".",
                    flags: [.init(name: "since", value: "7d|DATE", help: "from this time (or this long ago)"),
                            .init(name: "until", value: "DATE", help: "up to this time (a date alone: to the end of that day)"),
                            .init(name: "agent", value: "A", help: "only this agent's actions"),
                            .init(name: "customer", value: "ACCOUNT", help: "only this customer, like MS-10442"),
                            .init(name: "user", value: "EMAIL", help: "only this member"),
                            .init(name: "action", value: "A", help: "only this action"),
                            .init(name: "limit", value: "N", help: "at most N events (default 50)"),
                            .init(name: "before", value: "SEQ", help: "only events older than #SEQ: the next page after the last one shown")],
                    supervisorOnly: true, action: .lookUp(CommandRunner.log)),
        CommandSpec(.logVerify, synopsis: "[--anchor FILE [--public-key FILE]]",
                    summary: "supervisors: recompute every link of the audit chain here",
                    details: "Streams the whole log and recomputes each hash in the console, so a server that lies is caught. With --anchor, also checks the log still contains the head saved earlier by `log anchor` (a rewrite before it is caught), and a signed anchor's signature. With --public-key, the anchor must be signed by that key, so nobody who can write the database can forge one.",
                    flags: [.init(name: "anchor", value: "FILE", help: "a file holding what `log anchor` printed"),
                            .init(name: "public-key", value: "FILE", help: "the anchor must be signed by this key (a public or signing key file)")],
                    supervisorOnly: true, action: .lookUp(CommandRunner.verifyLog)),
        CommandSpec(.logAnchor, synopsis: "[--sign KEYFILE] | log anchor --new-key FILE",
                    summary: "supervisors: print the chain head to keep somewhere safe",
                    details: "One line, supportdesk-anchor v1 SEQ HASH. With --sign, a second line signs it with the Ed25519 key in KEYFILE (after checking the chain up to the head here). --new-key FILE makes a signing key in FILE (mode 0600, never overwriting) and its public key in FILE.pub, and touches no database.",
                    flags: [.init(name: "sign", value: "KEYFILE", help: "sign the anchor with this signing key"),
                            .init(name: "new-key", value: "FILE", help: "make a new signing key in FILE and FILE.pub")],
                    supervisorOnly: true, action: .lookUp(CommandRunner.anchor)),
        CommandSpec(.logFollow, synopsis: "[--after SEQ]",
                    summary: "supervisors: print chained events as they are committed, checking each link",
                    details: "Waits for the chainer's announcements and reads the chain after the last event printed, so nothing is lost or repeated; each new event's link and hash are recomputed here, and a broken one stops it with a failure (exit 3 in a script). Without --after it starts at the head; restarted with --after the last seq printed, it carries on exactly there. Ctrl-C stops it and says where to resume.",
                    flags: [.init(name: "after", value: "SEQ", help: "start after this event (0: from the first)")],
                    supervisorOnly: true, action: .change(CommandRunner.follow)),
        CommandSpec(.report, synopsis: "[--since 30d|DATE] [--until DATE] [--by agent|day|customer] [--html FILE]",
                    summary: "supervisors: what the desk did: checks, locks, disables, reviews, backlog",
                    details: "Counts verifies, mismatches, locks, disables, overrides, unlocks, disputes, second-approver approvals and rejections, reviews and concerns in the period (default the last 30 days), with the median time from an agent's first code check to the disable, and the review backlog with its oldest item. Days are counted in the console's time zone. --html FILE also writes a self-contained page with charts (no scripts, no external files).",
                    flags: [.init(name: "since", value: "30d|DATE", help: "from this time (or this long ago; default 30d)"),
                            .init(name: "until", value: "DATE", help: "up to this time (default now; a date alone: to the end of that day)"),
                            .init(name: "by", value: "agent|day|customer", help: "one row per agent, day or customer account"),
                            .init(name: "html", value: "FILE", help: "also write the report with charts as an HTML page")],
                    supervisorOnly: true, action: .lookUp(CommandRunner.report)),
        CommandSpec(.whoami, summary: "your login role, whether a supervisor, and any lock on you",
                    action: .lookUp(CommandRunner.whoami)),
        CommandSpec(.help, aliases: ["\\?"], synopsis: "[COMMAND]", summary: "this list, or one command in full",
                    positionals: (0, 2), action: .lookUp(CommandRunner.help)),
        CommandSpec(.quit, aliases: ["exit", "\\q"], summary: "leave (Ctrl-D too)", action: .quit),
    ]

    /// The spec of a command.
    static func spec(_ command: CommandName) -> CommandSpec {
        all.first { $0.command == command }!
    }

    /// The spec for the words a line starts with (`log verify` takes two).
    static func spec(for words: [String]) -> (spec: CommandSpec, consumed: Int)? {
        guard let first = words.first else { return nil }
        if words.count > 1, let sub = all.first(where: { $0.name == "\(first) \(words[1])" }) { return (sub, 2) }
        return all.first { $0.name == first || $0.aliases.contains(first) }.map { ($0, 1) }
    }
}
