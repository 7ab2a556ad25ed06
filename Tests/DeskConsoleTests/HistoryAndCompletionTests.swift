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
