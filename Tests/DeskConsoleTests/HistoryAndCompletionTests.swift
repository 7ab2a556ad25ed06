import Foundation
import DeskConsole
import Testing
import TOTPCore

/// The history never holds a recovery code; completion offers commands, flags and seen emails.
@Suite struct HistoryAndCompletionTests {
    @Test func verifyKeepsOnlyTheMember() {
        let code = RecoveryCode.generate().grouped
        #expect(HistoryFilter.entry(for: "verify jane@acme.example \(code)") == "verify jane@acme.example")
        #expect(HistoryFilter.entry(for: "verify jane@acme.example \(code.replacingOccurrences(of: "-", with: " "))") == "verify jane@acme.example")
        #expect(HistoryFilter.entry(for: "verify 'jane doe' x") == "verify 'jane doe'")
        #expect(HistoryFilter.entry(for: "verify") == "verify")
    }

    @Test func aCodeAnywhereElseKeepsTheLineOut() {
        let code = RecoveryCode.generate()
        #expect(HistoryFilter.entry(for: "find \(code.grouped)") == nil)
        #expect(HistoryFilter.entry(for: "find \(code.normalized.lowercased())") == nil)
        #expect(HistoryFilter.entry(for: "show x \(code.grouped.split(separator: "-").joined(separator: " "))") == nil)
        #expect(HistoryFilter.entry(for: "verify \"unbalanced \(code.grouped)") == nil)
        #expect(HistoryFilter.entry(for: "find \"unbalanced \(code.grouped)") == nil)
        #expect(HistoryFilter.entry(for: "find jane doe") == "find jane doe")
        #expect(HistoryFilter.entry(for: "disable-2fa jane@acme.example --reason \"lost phone\" --ticket SUP-4411")
                == "disable-2fa jane@acme.example --reason \"lost phone\" --ticket SUP-4411")
    }

    /// Issue 9: a code split 8+8, joined by other separators or inside a longer line used to
    /// reach the history. (Glued into a word with no separator it is not looked for: see
    /// `RecoveryCode.containsCode(in:)`.)
    @Test func aCodeSplitOrEmbeddedAnyWayKeepsTheLineOut() {
        let code = RecoveryCode.generate().normalized
        let half = code.index(code.startIndex, offsetBy: 8)
        let eightAndEight = "\(code[..<half]) \(code[half...])"
        let dotted = RecoveryCode.generate().grouped.replacingOccurrences(of: "-", with: ".")
        for line in [
            "find \(eightAndEight)", "find \(eightAndEight.lowercased())",
            "find \(dotted)", "show \(RecoveryCode.generate().grouped.replacingOccurrences(of: "-", with: "/"))",
            "find jane \(RecoveryCode.generate().grouped.replacingOccurrences(of: "-", with: "_")) please",
            "disable-2fa jane@acme.example --reason \"caller read \(RecoveryCode.generate().grouped)\" --ticket SUP-1",
            "find x \(RecoveryCode.generate().normalized) y",
            "find \(RecoveryCode.generate().grouped.replacingOccurrences(of: "-", with: "\t"))",
        ] {
            #expect(HistoryFilter.entry(for: line) == nil, "\(line)")
        }
    }

    @Test func aMisheardCodeTypedAsACodeKeepsTheLineOut() {
        var symbols = Array(RecoveryCode.generate().normalized)
        symbols[3] = symbols[3] == "X" ? "Y" : "X"
        let misheard = String(symbols)
        #expect(HistoryFilter.entry(for: "find \(misheard.prefix(8)) \(misheard.suffix(8))") == nil)
        #expect(HistoryFilter.entry(for: "show \(RecoveryCode.grouped(misheard).lowercased())") == nil)
    }

    /// `verify USER CODE` keeps `verify USER` only when USER is not itself a code typed in its place.
    @Test func verifyWithACodeWhereTheMemberGoesIsNotKept() {
        let code = RecoveryCode.generate()
        #expect(HistoryFilter.entry(for: "verify \(code.normalized)") == nil)
        #expect(HistoryFilter.entry(for: "verify '\(code.grouped.replacingOccurrences(of: "-", with: " "))'") == nil)
        #expect(HistoryFilter.entry(for: "verify #12 \(code.grouped)") == "verify #12")
    }

    /// History filtering runs on every typed line: the longest line the console reads takes
    /// well under a second even when it is all letters and digits.
    @Test func aLongLineIsFilteredQuickly() {
        let line = "find " + String(repeating: "jane doe smith ", count: 65_536 / 15)
        let started = ContinuousClock.now
        _ = HistoryFilter.entry(for: line)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func completesCommandsFlagsAndEmails() {
        let seen: Set<String> = ["jane@acme.example", "john@acme.example", "chloe@northwind.example"]
        #expect(Completion.candidates(for: "", seenEmails: seen).contains("disable-2fa"))
        #expect(Completion.candidates(for: "di", seenEmails: seen) == ["disable-2fa"])
        #expect(Completion.candidates(for: "log ", seenEmails: seen) == ["anchor", "verify"])
        #expect(Completion.candidates(for: "log --l", seenEmails: seen) == ["--limit"])
        #expect(Completion.candidates(for: "show j", seenEmails: seen) == ["jane@acme.example", "john@acme.example"])
        #expect(Completion.candidates(for: "disable-2fa jane@acme.example --", seenEmails: seen) == ["--override", "--reason", "--ticket", "--yes"])
        #expect(Completion.candidates(for: "disable-2fa jane@acme.example --reason x --", seenEmails: seen) == ["--override", "--ticket", "--yes"])
        #expect(Completion.candidates(for: "disable-2fa jane@acme.example --reason ", seenEmails: seen) == [])
        #expect(Completion.candidates(for: "verify jane@acme.example ", seenEmails: seen) == [])
        #expect(Completion.candidates(for: "nonsense j", seenEmails: seen) == [])
    }
}
