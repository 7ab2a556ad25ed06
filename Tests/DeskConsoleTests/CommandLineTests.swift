@testable import DeskConsole
import Testing

/// Splitting and parsing what an agent types: quotes, escapes, flags, and clear errors.
@Suite struct CommandLineTests {
    @Test func wordsFollowShellQuoting() throws {
        #expect(try CommandTokenizer.words(#"disable-2fa jane@acme.example --reason "lost phone, \"old\" one" --ticket 'SUP 1'"#)
                == ["disable-2fa", "jane@acme.example", "--reason", #"lost phone, "old" one"#, "--ticket", "SUP 1"])
        #expect(try CommandTokenizer.words("  find\tjane  doe ") == ["find", "jane", "doe"])
        #expect(try CommandTokenizer.words(#"find jane\ doe"#) == ["find", "jane doe"])
        #expect(try CommandTokenizer.words(#"find """#) == ["find", ""])
        #expect(try CommandTokenizer.words(#"\q"#) == [#"\q"#])
        #expect(try CommandTokenizer.words(#"show jane\@acme.example"#) == ["show", "jane@acme.example"])
        #expect(try CommandTokenizer.words(#"log verify --anchor 'C:\anchors\a.txt'"#) == ["log", "verify", "--anchor", #"C:\anchors\a.txt"#])
        #expect(try CommandTokenizer.words(#"find "a\b""#) == ["find", #"a\b"#])
    }

    @Test func unbalancedQuotesAreErrors() {
        #expect(throws: ConsoleFailure.usage("the \" quote is not closed")) { try CommandTokenizer.words(#"find "jane"#) }
        #expect(throws: ConsoleFailure.usage("the ' quote is not closed")) { try CommandTokenizer.words("find 'jane") }
        #expect(throws: ConsoleFailure.usage("the line ends with a lone backslash")) { try CommandTokenizer.words(#"find jane\"#) }
    }

    @Test func flagsTakeValuesEitherWay() throws {
        let spec = try #require(CommandTable.spec(for: ["disable-2fa"])).spec
        let parsed = try spec.parse(["jane@acme.example", "--reason=lost phone", "--ticket", "SUP-1", "--yes"][...])
        #expect(parsed.positionals == ["jane@acme.example"])
        #expect(parsed.option("reason") == "lost phone")
        #expect(parsed.option("ticket") == "SUP-1")
        #expect(parsed.has("yes") && !parsed.has("override"))
    }

    @Test func flagMistakesAreNamed() throws {
        let spec = try #require(CommandTable.spec(for: ["disable-2fa"])).spec
        #expect(throws: ConsoleFailure.usage("disable-2fa has no flag --force (see help disable-2fa)")) { try spec.parse(["x", "--force"][...]) }
        #expect(throws: ConsoleFailure.usage("--reason needs a value (TEXT|N)")) { try spec.parse(["x", "--reason"][...]) }
        #expect(throws: ConsoleFailure.usage("--yes takes no value")) { try spec.parse(["x", "--yes=no"][...]) }
        #expect(throws: ConsoleFailure.usage("--ticket is given twice")) { try spec.parse(["x", "--ticket", "a", "--ticket=b"][...]) }
        #expect(throws: ConsoleFailure.usage("usage: disable-2fa [USER] --reason TEXT|N --ticket REF [--override] [--yes]")) { try spec.parse(["a", "b"][...]) }
    }

    @Test func subcommandsTakeTwoWords() throws {
        #expect(CommandTable.spec(for: ["log", "verify"])?.spec.name == "log verify")
        #expect(CommandTable.spec(for: ["log", "--limit", "3"])?.spec.name == "log")
        #expect(CommandTable.spec(for: ["exit"])?.spec.name == "quit")
        #expect(CommandTable.spec(for: ["bogus"]) == nil)
    }

    @Test func everyCommandHasHelpAndUniqueNames() {
        let names = CommandTable.all.flatMap { [$0.name] + $0.aliases }
        #expect(Set(names).count == names.count)
        #expect(CommandTable.all.allSatisfy { !$0.summary.isEmpty && $0.flags.allSatisfy { !$0.help.isEmpty } })
    }

    @Test func readBackGroupsWhatWasHeard() {
        #expect(CommandRunner.readBack("7k3m qx9d-p2ra 4wth") == "7K3M-QX9D-P2RA-4WTH")
        #expect(CommandRunner.readBack("o1l0-iiii") == "0110-1111")
        #expect(CommandRunner.readBack("abc") == "ABC")
    }
}
