import DeskConsole
import Testing

@Suite struct TerminalSafeTextTests {
    @Test func plainTextIsUnchanged() {
        for text in ["alice@example.com", "Zoë Ünal", "李小龙", "MS-10442", "O'Brien & Sons", "🚀"] {
            #expect(TerminalSafeText.escape(text) == text)
            #expect(TerminalSafeText.isSafe(text))
        }
    }

    @Test func escapeSequencesAreShownNotObeyed() {
        #expect(TerminalSafeText.escape("\u{1B}[2J\u{1B}]0;pwned\u{07}Bob") == "\\x1B[2J\\x1B]0;pwned\\x07Bob")
        #expect(TerminalSafeText.escape("a\u{9B}31mb") == "a\\x9B31mb")
        #expect(TerminalSafeText.escape("nul\u{0}del\u{7F}") == "nul\\x00del\\x7F")
        #expect(!TerminalSafeText.isSafe("\u{1B}[31m"))
    }

    @Test func layoutCharactersAreVisible() {
        #expect(TerminalSafeText.escape("line1\nline2\r\tx") == "line1\\nline2\\r\\tx")
        #expect(TerminalSafeText.escape("a\u{2028}b") == "a\\u{2028}b")
    }

    @Test func bidiAndInvisibleCharactersAreVisible() {
        #expect(TerminalSafeText.escape("admin\u{202E}moc.live@") == "admin\\u{202E}moc.live@")
        #expect(TerminalSafeText.escape("\u{2066}x\u{2069}") == "\\u{2066}x\\u{2069}")
        #expect(TerminalSafeText.escape("a\u{200B}b\u{FEFF}") == "a\\u{200B}b\\u{FEFF}")
    }

    @Test func backslashesCannotForgeAnEscape() {
        #expect(TerminalSafeText.escape("\\x1B") == "\\\\x1B")
        #expect(TerminalSafeText.escape("\u{1B}") != TerminalSafeText.escape("\\x1B"))
    }

    @Test func multiLineMessagesKeepTheirLayoutButNotTheirEscapes() {
        #expect(TerminalSafeText.escape("failed\n\tIs it running? \u{1B}[0m", keepingLineBreaks: true) == "failed\n\tIs it running? \\x1B[0m")
    }
}
