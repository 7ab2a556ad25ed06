import DeskDatabase

/// Every console command, in the order `help` lists them.
public enum CommandTable {
    public static let all: [CommandSpec] = [
        CommandSpec(.find, synopsis: "QUERY [--limit N]",
                    summary: "ranked matches for an email, account number, phone number or name",
                    details: "Exact emails and account numbers come first, then phone numbers and names, typos included. Rows are numbered: interactively, `show 2` means the second row.",
                    flags: [.init(name: "limit", value: "N", help: "at most N matches (default 20)")],
                    positionals: (1, nil), action: .lookUp(CommandRunner.find)),
        CommandSpec(.show, synopsis: "[USER] [--events N]",
                    summary: "one member in full: 2FA, mandatory, codes left, locks, recent events",
                    details: "USER is an email, #ID, or interactively a row number of the last find; left out, the one match of the last find.",
                    flags: [.init(name: "events", value: "N", help: "how many recent events (default 5; 0 for none)")],
                    positionals: (0, 1), namesMember: true, action: .lookUp(CommandRunner.show)),
        CommandSpec(.sendCode, synopsis: "USER",
                    summary: "mail the member a 6-digit code, the second channel policy asks for",
                    details: "Where second_channel_for names the member (administrators by default), a disable needs the recovery code and this code too: the member reads it from the mail to their address on file; then verify USER --email-code CODE. The code works 10 minutes and 5 tries; a new one replaces it. The console never sees it.",
                    positionals: (1, 1), namesMember: true, action: .change(CommandRunner.sendCode)),
        CommandSpec(.verify, synopsis: "[USER [CODE]] [--email-code CODE]",
                    summary: "check a recovery code read by the caller",
                    details: "Without CODE the console asks for it, so it never enters the history, and reads the groups back to repeat to the caller; in a -c or -f script it reads the code from standard input, one line per verify, so it never shows in ps. Spaces, dashes, case and O/I/L are forgiven. A misheard character is caught at once and not counted; each mismatch is, and too many lock recovery for the member. After send-code, --email-code (asked for interactively when left out) presents the code from the member's mail too.",
                    flags: [.init(name: "email-code", value: "CODE", help: "the 6-digit code from the member's mail (see send-code)")],
                    positionals: (0, nil), namesMember: true, action: .change(CommandRunner.verify)),
        CommandSpec(.disable, synopsis: "[USER] --reason TEXT --ticket REF [--override] [--yes]",
                    summary: "remove a member's 2FA after your own code match (supervisors: --override)",
                    details: "Needs a match by you for this member in the last minutes (see verify), a reason and a ticket reference. Asks y/N when interactive. Supervisors may --override the code check; it is logged as such. A lost connection never repeats a disable: the console looks up what happened.",
                    flags: [.init(name: "reason", value: "TEXT", help: "why, in words (quote it)"),
                            .init(name: "ticket", value: "REF", help: "the support ticket, like SUP-4411"),
                            .init(name: "override", value: nil, help: "supervisors: without a code check"),
                            .init(name: "yes", value: nil, help: "do not ask for confirmation")],
                    positionals: (0, 1), namesMember: true, action: .change(CommandRunner.disable)),
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
        CommandSpec(.logVerify, synopsis: "[--anchor FILE]",
                    summary: "supervisors: recompute every link of the audit chain here",
                    details: "Streams the whole log and recomputes each hash in the console, so a server that lies is caught. With --anchor, also checks the log still contains the head saved earlier by `log anchor` (a rewrite before it is caught).",
                    flags: [.init(name: "anchor", value: "FILE", help: "a file holding a line from `log anchor`")],
                    supervisorOnly: true, action: .lookUp(CommandRunner.verifyLog)),
        CommandSpec(.logAnchor, summary: "supervisors: print the chain head to keep somewhere safe",
                    supervisorOnly: true, action: .lookUp(CommandRunner.anchor)),
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
