/// Text that once broke, or nearly broke, a parser of the console or the portal, and the
/// pieces random text is built from. Every fuzz and property test starts from these, so a bug
/// found once stays found: add the input here when you fix one.
public enum FuzzCorpus {
    /// Whole console lines that crashed or misbehaved, with what they did.
    public static let consoleLines: [String] = [
        "log --since 1\u{301}",                        // SIGILL in DateFormatter (issue 15)
        "log --since 1\u{200D}",                       // the same with a zero-width joiner
        "log --since 2\u{FE0F}\u{20E3}",               // a keycap sequence
        "log --since 7\u{1F3FD}d",                     // a skin tone inside a span
        "log --until 2026-11-29\u{E0041}",             // a tag character after a date
        "log --since 2026-11-29T14:00:00Zjunk",        // trailing junk once accepted
        "log --since 2026-11-29T14:00:00+99:99",       // an impossible offset
        "log --since 2026-02-30",                      // a day the month does not have
        "log --since '2026-11-29 24:00'",
        "log --since 99999999999999999999d",
        "log --since -5d",
        "log --before 99999999999999999999",
        "find \"\u{301}jane\"",                        // a combining mark after a quote (issue 15)
        "find '\u{301}jane'",
        "find \"jane",
        "find 'jane",
        "show \\",
        "disable-2fa #1 --reason \"\u{2060}\u{2060}\u{2060}\u{2060}\u{2060}\u{2060}\u{2060}\u{2060}\u{2060}\u{2060}\" --ticket SUP-1",
        "disable-2fa #1 --reason 'e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}' --ticket SUP-1",
        "disable-2fa #1 --reason 'lost phone, code read' --ticket 'SUP 1'",
        "disable-2fa #1 --reason 'lost phone, code read' --ticket \u{FF33}UP-1",
        "verify #1 O0O0-IIII-LLLL-1111",
        "verify #1 7K3M-QX9D-P2RA-4WT\u{301}H",
        "log verify --anchor /dev/zero",
        "log verify --anchor /",
        "log verify --anchor /nonexistent/anchor",
        "log --limit 0",
        "log --limit 10001",
        "find --limit=\u{661}",                        // an Arabic-Indic digit
        "log --customer=\u{FE0F}MS-1",                 // = and a variation selector are one character
        "log --\u{301}limit 5",
        "verify 'x'\u{301}y 7K3M-QX9D-P2RA-4WTH",
        "help \u{202E}find",
        "--reason",
        "\"\"",
        "\\q\u{301}",
    ]

    /// Pieces random console text is made of: command words, flags, quotes, escapes, digits of
    /// other scripts, combining marks, joiners, tags, controls, bidi overrides, long runs.
    public static let pieces: [String] = [
        "find", "show", "verify", "disable-2fa", "unlock", "log", "log verify", "log anchor", "whoami", "help",
        " ", " ", " ", "\t", "--limit", "--limit=", "--since", "--until", "--before", "--reason", "--ticket", "--agent",
        "--anchor", "--events", "--yes", "--override", "--customer", "--user", "--action", "--", "-", "=",
        "\"", "'", "\\", "#", "jane@acme.example", "#1", "#999999999999999999999", "1", "0", "-1", "7d", "12h", "30m",
        "2w", "2026-11-29", "2026-11-29 14:00", "2026-11-29T14:00:00Z", "+02:00", "T", "Z", ":", ".", "SUP-1",
        "7K3M-QX9D-P2RA-4WTH", "0000000000000000", "\u{301}", "\u{200D}", "\u{FE0F}", "\u{20E3}", "\u{1F3FD}",
        "\u{E0041}", "\u{E007F}", "\u{2060}", "\u{00AD}", "\u{200B}", "\u{202E}", "\u{2066}", "\u{FEFF}",
        "\u{1B}[2J", "\u{7}", "\u{7F}", "\u{85}", "\u{9B}", "\r", "\u{2028}", "\u{3164}", "\u{661}", "\u{FF11}",
        "é", "漢字", "🚀", "👩‍👩‍👧", "🇫🇷", "\u{10FFFD}", String(repeating: "a", count: 300), String(repeating: "9", count: 40),
    ]
}
