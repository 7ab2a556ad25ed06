import FuzzTesting
@testable import DeskConsole
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

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

    /// Issue 15: format characters that draw nothing were printed raw.
    @Test func everyInvisibleFormatCharacterIsVisible() {
        #expect(TerminalSafeText.escape("ad\u{2060}min") == "ad\\u{2060}min")
        #expect(TerminalSafeText.escape("soft\u{AD}hyphen") == "soft\\xADhyphen")
        #expect(TerminalSafeText.escape("flag\u{E0067}\u{E007F}") == "flag\\u{E0067}\\u{E007F}")
        #expect(TerminalSafeText.escape("\u{3164}\u{115F}\u{34F}") == "\\u{3164}\\u{115F}\\u{34F}")
        #expect(TerminalSafeText.escape("❤\u{FE0F}") == "❤\u{FE0F}", "a variation selector picks an emoji's look")
    }

    /// Whatever the text, the escaped form holds no control, format or separator character, and
    /// two different texts never escape to the same thing.
    @Test func escapedTextHoldsNothingInvisible() async {
        await propertyCheck(count: 3000, input: FuzzGen.hostileText(length: 0...16), FuzzGen.hostileText(length: 0...16)) { text, other in
            let escaped = TerminalSafeText.escape(text)
            let hidden = escaped.unicodeScalars.filter {
                switch $0.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned: true
                default: $0.properties.isDefaultIgnorableCodePoint && !(0xFE00...0xFE0F).contains($0.value) && !(0xE0100...0xE01EF).contains($0.value)
                }
            }
            #expect(hidden.isEmpty, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(TerminalSafeText.isSafe(escaped) == false || escaped == text)
            if text != other { #expect(escaped != TerminalSafeText.escape(other)) }
        }
    }
}

/// Escaping happens where output leaves the console: a notice about a lost disable names the
/// member as the database holds it, and an email may carry an escape sequence.
@Suite struct OutputBoundaryTests {
    @Test func aNoticeIsEscapedAtTheBoundary() {
        for interactive in [true, false] {
            let io = ConsoleIO(source: ScriptLines([]), output: CapturedOutput(), settings: ConsoleSettings(interactive: interactive))
            io.notice("whether disable-2fa evil\u{1B}[2J@acme.example went through is unknown", tone: .warning)
            #expect(io.output.errors.count == 1)
            #expect(!io.output.errors[0].contains("\u{1B}[2J"), "\(io.output.errors)")
            #expect(io.output.errors[0].contains("[2J@acme.example"), "\(io.output.errors)")
        }
    }

    @Test func aSentenceEscapesWhatItQuotesAndNothingElse() {
        let name = "Eve\u{1B}]0;owned\u{07}", path = #"C:\x"#
        let sentence: ConsoleText = "Disable 2FA for \(name) <\(path)>, ticket #\(42)?"
        #expect(!sentence.text.unicodeScalars.contains { $0.value < 0x20 })
        #expect(sentence.text.hasPrefix("Disable 2FA for Eve"))
        #expect(sentence.text.contains(#"<C:\\x>"#), "a backslash from outside is shown escaped, once")
        #expect(ConsoleText(ownWords: #"help \?"#).text == #"help \?"#, "the console's own words are kept")
        let nested: ConsoleText = "⚠ \(sentence)"
        #expect(nested.text == "⚠ " + sentence.text, "a sentence inside a sentence is not escaped twice")
    }
}
