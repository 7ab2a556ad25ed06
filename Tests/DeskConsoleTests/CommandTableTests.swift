@testable import DeskConsole
import Testing

/// The command table is the one list of commands: each name has one spec with its own handler,
/// and only commands that change nothing may run side by side.
@Suite struct CommandTableTests {
    @Test func everyCommandHasExactlyOneSpec() {
        for name in CommandName.allCases {
            #expect(CommandTable.all.filter { $0.command == name }.count == 1, "\(name)")
        }
        #expect(CommandTable.all.count == CommandName.allCases.count)
    }

    @Test func onlyCommandsThatChangeNothingAreLookUps() {
        let lookUps = Set(CommandTable.all.filter(\.isLookUp).map(\.command))
        #expect(lookUps == [.find, .show, .log, .logVerify, .logAnchor, .report, .review, .requests, .whoami, .help])
        #expect(!CommandTable.spec(.verify).isLookUp)
        for signOff in [CommandName.reviewApprove, .reviewConcern, .approve, .reject] {
            #expect(!CommandTable.spec(signOff).isLookUp, "\(signOff) changes the log")
        }
        #expect(!CommandTable.spec(.disable).isLookUp)
    }

    @Test func theWordsTypedFindTheirSpec() {
        #expect(CommandTable.spec(for: ["log", "verify", "--anchor", "x"])?.spec.command == .logVerify)
        #expect(CommandTable.spec(for: ["log", "--since", "7d"])?.spec.command == .log)
        #expect(CommandTable.spec(for: ["\\q"])?.spec.command == .quit)
        #expect(CommandTable.spec(for: ["frobnicate"]) == nil)
    }
}
