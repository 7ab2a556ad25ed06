import DeskDatabase
import TOTPCore
import Foundation
import PGClient
import Testing
import ProcessTesting
import SupportClient
import TestSupport

/// The console as an agent meets it, on a real pseudo-terminal: banner, completion, a history
/// without codes, Ctrl-C cancelling a query, the pager, colour, Ctrl-D.
@Suite(.serialized) struct InteractiveTests {
    struct Setup {
        let fixture: PortalFixture
        let jane: EnrolledMember
        let uri: String
        let home: String
    }

    func withConsole(environment: [String: String] = [:], rows: UInt16 = 40, supervisor: Bool = false,
                     _ body: (PseudoTerminal, Setup) throws -> Void) throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example", role: .administrator)
            // Jane is an administrator; this is not a test of the second channel (SecondChannelTests).
            try fixture.setSecondChannel(.nobody)
            try fixture.member("john@acme.example", name: "John Smith")
            let uri = fixture.database.uri(user: try fixture.agentRole("kim", supervisor: supervisor))
            let home = NSTemporaryDirectory() + "sd-home-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: home) }
            var variables = ["HOME": home, "TERM": "xterm", "NO_COLOR": "1", "PAGER": "", "DATABASE_URL": uri]
            variables.merge(environment) { $1 }
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), [], environment: variables, rows: rows)
            try body(terminal, Setup(fixture: fixture, jane: jane, uri: uri, home: home))
        }
    }

    /// Leaves with `quit` and expects a clean exit.
    func quit(_ terminal: PseudoTerminal, sourceLocation: SourceLocation = #_sourceLocation) throws {
        terminal.type("quit\r")
        #expect(try terminal.wait() == 0, sourceLocation: sourceLocation)
    }

    @Test func bannerPromptAndCtrlDLeaves() throws {
        try withConsole { terminal, _ in
            let banner = try terminal.expect("support-desk> ")
            #expect(banner.contains("support-desk — connected to "))
            #expect(banner.contains("You are an agent"))
            #expect(!banner.contains("\u{1B}["), "NO_COLOR is honoured")
            terminal.type("\u{04}")
            #expect(try terminal.wait() == 0)
        }
    }

    /// The screen shows completion as cursor moves, so each case is checked by what the
    /// completed line then does.
    @Test func tabCompletesCommandsFlagsAndSeenEmails() throws {
        try withConsole { terminal, _ in
            try terminal.expect("support-desk> ")
            terminal.type("fin\tjohn\r")
            try terminal.expect("(1 match)")
            try terminal.expect("support-desk> ")
            terminal.type("show jo\t--ev\t0\r")
            let record = try terminal.expect("Member since")
            #expect(record.contains("John Smith"))
            #expect(record.contains("john@acme.example") && !record.contains("\\@"), "the address is inserted as typed, not escaped as a file name")
            let rest = try terminal.expect("support-desk> ")
            #expect(!rest.contains("Recent events"), "--ev completed to --events 0")
            try quit(terminal)
        }
    }

    /// After a find with one match, verify and disable-2fa need no USER (issue 14: fewer keys);
    /// with several matches the console asks for a row instead of guessing.
    @Test func afterASingleMatchVerifyAndDisableNeedNoUser() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            terminal.type("find acme\r")
            try terminal.expect("support-desk> ")
            terminal.type("verify\r")
            #expect(try terminal.expect("support-desk> ").contains("ast find has 2 rows: name the member"))
            terminal.type("find jane\r")
            try terminal.expect("(1 match)")
            try terminal.expect("support-desk> ")
            terminal.type("verify\r")
            try terminal.expect("Recovery code read by the caller: ")
            terminal.type(setup.jane.recoveryCodes[0].normalized + "\r")
            try terminal.expect("Code accepted for jane@acme.example (Jane Doe)")
            try terminal.expect("support-desk> ")
            terminal.type("disable-2fa --reason 'lost phone, code read out' --ticket SUP-1\r")
            try terminal.expect("[y/N] ")
            terminal.type("y\r")
            try terminal.expect("support-desk> ")
            let events = try setup.fixture.connection.query("SELECT count(*)::int FROM portal.all_events WHERE action = '2fa_disabled_support' AND member_id = $1", [setup.jane.memberID])
            #expect(try events.single().decode(Int.self, at: 0) == 1)
            try quit(terminal)
        }
    }

    @Test func theHistoryFileNeverHoldsARecoveryCode() throws {
        try withConsole { terminal, setup in
            let first = setup.jane.recoveryCodes[0].grouped
            let second = setup.jane.recoveryCodes[1].grouped
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example \(first)\r")
            try terminal.expect("Code accepted")
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example\r")
            try terminal.expect("Recovery code read by the caller: ")
            terminal.type("\(second.lowercased())\r")
            try terminal.expect("Read back to the caller: \(second)")
            try terminal.expect("support-desk> ")
            terminal.type("find \(second)\r")
            try terminal.expect("support-desk> ")
            terminal.type("whoami\r")
            try terminal.expect("support-desk> ")
            try quit(terminal)

            let path = setup.home + "/.support_desk_history"
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let history = try String(contentsOfFile: path, encoding: .utf8)
            #expect(history.contains("verify"))
            #expect(history.contains("whoami"))
            for code in [first, second] {
                for group in code.split(separator: "-") {
                    #expect(!history.uppercased().contains(group), "\(group) of a code reached the history")
                }
            }
        }
    }

    @Test func ctrlCCancelsTheRunningQueryAndKeepsTheConsole() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            let holder = try setup.fixture.database.connect()
            defer { holder.close() }
            _ = try holder.query("BEGIN")
            _ = try holder.query("LOCK TABLE portal.team_members IN ACCESS EXCLUSIVE MODE")
            terminal.type("find jane\r")
            let role = try setup.fixture.connection.query(
                "SELECT usename FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'kim_%' LIMIT 1").rows
            #expect(!role.isEmpty)
            let name = try role[0].decode(String.self, at: 0)
            _ = try ConnectionLossTests.waitForLockWait(setup.fixture.connection, role: name)
            terminal.type("\u{03}", atPrompt: false)
            let cancelled = try terminal.expect("support-desk> ")
            #expect(cancelled.contains("Cancelled"), "\(cancelled)")
            _ = try holder.query("ROLLBACK")
            terminal.type("whoami\r")
            try terminal.expect("Supervisor")
            try quit(terminal)
        }
    }

    @Test func ctrlCAtAPromptDropsTheLineAndAtAQuestionAnswersNo() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            terminal.type("show john@acme.example")
            Thread.sleep(forTimeInterval: 0.2)
            terminal.type("\u{03}")
            try terminal.expect("support-desk> ")
            terminal.type("whoami\r")
            let after = try terminal.expect("support-desk> ")
            #expect(after.contains("Supervisor") && !after.contains("John Smith"), "the dropped line did not run: \(after)")

            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Code accepted")
            terminal.type("disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1\r")
            try terminal.expect("Disable 2FA? [y/N] ")
            terminal.type("\u{03}")
            try terminal.expect("Nothing changed.")
            try quit(terminal)
        }
    }

    /// Issue 14: Ctrl-C at "Reason:" went on to "Ticket reference:". Any question of a command
    /// ends the whole command, and nothing changes.
    @Test func ctrlCAtAnyQuestionCancelsTheWholeCommand() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Code accepted")
            terminal.type("disable-2fa jane@acme.example\r")
            try terminal.expect("Reason (1–4, or why in words): ")
            terminal.type("\u{03}", atPrompt: false)
            let afterReason = try terminal.expect("support-desk> ")
            #expect(afterReason.contains("nothing changed") && !afterReason.contains("Ticket reference"), "\(afterReason)")
            terminal.type("disable-2fa jane@acme.example --reason 'lost phone, code read'\r")
            try terminal.expect("Ticket reference: ")
            terminal.type("\u{03}", atPrompt: false)
            let afterTicket = try terminal.expect("support-desk> ")
            #expect(afterTicket.contains("nothing changed") && !afterTicket.contains("Disable 2FA?"), "\(afterTicket)")
            terminal.type("verify jane@acme.example\r")
            try terminal.expect("Recovery code read by the caller: ")
            terminal.type("\u{03}", atPrompt: false)
            let afterCode = try terminal.expect("support-desk> ")
            #expect(afterCode.contains("nothing changed"), "\(afterCode)")
            terminal.type("show jane@acme.example\r")
            let shown = try terminal.expect("support-desk> ")
            #expect(shown.contains("active"), "2FA is still on: \(shown)")
            try quit(terminal)
        }
    }

    /// Issue 14: `unlock` asked nothing, and the next line typed became a logged reason. It
    /// now shows who and the reason and asks, as a disable does.
    @Test func anUnlockAsksFirst() throws {
        try withConsole(supervisor: true) { terminal, setup in
            let other = try setup.fixture.agent("lee")
            defer { other.connection.close() }
            for _ in 0..<5 { _ = try other.verify(memberID: setup.jane.memberID, code: RecoveryCode.generate().grouped) }
            try terminal.expect("support-desk> ")
            terminal.type("unlock jane@acme.example\r")
            try terminal.expect("Reason (why, in words): ")
            terminal.type("caller confirmed by video call\r")
            try terminal.expect("Unlock? [y/N] ")
            terminal.type("\r")
            try terminal.expect("Nothing changed.")
            terminal.type("unlock jane@acme.example --reason 'caller confirmed by video call'\r")
            let asked = try terminal.expect("Unlock? [y/N] ")
            #expect(asked.contains("recovery for jane@acme.example") && asked.contains("caller confirmed by video call"), "\(asked)")
            terminal.type("y\r")
            try terminal.expect("Unlocked recovery for jane@acme.example")
            try quit(terminal)
        }
    }

    /// Issue 14: five wrong codes lock the member's recovery; once a supervisor lifts the lock
    /// a right code matches and the disable went through without a word. The y/N now says who
    /// was locked, when, who lifted it and how many wrong codes were read; `show` says it too.
    @Test func aDisableRightAfterALockoutIsWarnedOf() throws {
        try withConsole { terminal, setup in
            let other = try setup.fixture.agent("lee")
            defer { other.connection.close() }
            for _ in 0..<5 { _ = try other.verify(memberID: setup.jane.memberID, code: RecoveryCode.generate().grouped) }
            let supervisor = try setup.fixture.agent("sam", supervisor: true)
            defer { supervisor.connection.close() }
            _ = try supervisor.clearLockout(memberID: setup.jane.memberID, reason: "caller confirmed by video call")

            try terminal.expect("support-desk> ")
            terminal.type("show jane@acme.example\r")
            let shown = try terminal.expect("support-desk> ")
            #expect(shown.contains("Recovery for jane@acme.example was locked at"), "\(shown)")
            #expect(shown.contains("sam_") && shown.contains(" lifted the lock at"), "\(shown)")
            #expect(shown.contains("5 wrong codes were read for jane@acme.example in the last 24 hours."), "\(shown)")
            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Code accepted")
            terminal.type("disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1\r")
            let asked = try terminal.expect("Disable 2FA? [y/N] ")
            #expect(asked.contains("Recovery for jane@acme.example was locked at"), "\(asked)")
            #expect(asked.contains("sam_") && asked.contains(" lifted the lock at"), "\(asked)")
            #expect(asked.contains("5 wrong codes were read"), "\(asked)")
            #expect(asked.contains("be sure it is the member"), "\(asked)")
            terminal.type("\r")
            try terminal.expect("Nothing changed.")
            try quit(terminal)
        }
    }

    @Test func nonASCIITypingReachesTheDatabase() throws {
        try withConsole { terminal, setup in
            try setup.fixture.member("chloe@acme.example", name: "Chloé Martin")
            try terminal.expect("support-desk> ")
            terminal.type("find Chloé\r")
            let found = try terminal.expect("support-desk> ")
            #expect(found.contains("chloe@acme.example"), "\(found)")
            terminal.type("find 漢字テスト\r")
            let none = try terminal.expect("support-desk> ")
            #expect(none.contains("No member matches 漢字テスト."), "\(none)")
            try quit(terminal)
        }
    }

    @Test func longOutputGoesThroughThePager() throws {
        try withConsole(environment: ["PAGER": "sed s/^/PAGED:/"], rows: 10) { terminal, _ in
            try terminal.expect("support-desk> ")
            terminal.type("whoami\r")
            let short = try terminal.expect("support-desk> ")
            #expect(short.contains("Agent") && !short.contains("PAGED:"))
            terminal.type("help\r")
            let long = try terminal.expect("support-desk> ")
            #expect(long.contains("PAGED:  find "), "\(long)")
            try quit(terminal)
        }
    }

    @Test func aScriptShowsProgressOnATerminal() throws {
        let script = NSTemporaryDirectory() + "sd-progress-\(UUID().uuidString.prefix(8)).sd"
        try String(repeating: "help quit\n", count: 2_500).write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        try withPortalFixture { fixture in
            let uri = fixture.database.uri(user: try fixture.agentRole("kim"))
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), ["--db", uri, "--format", "csv", "-f", script],
                                              environment: ["NO_COLOR": "1", "TERM": "xterm"])
            try terminal.expect("\r2000 commands…")
            #expect(try terminal.wait() == 0)
            #expect(!terminal.transcript.contains("support-desk> "), "a script has no prompt")
        }
    }

    @Test func colourUnlessNoColor() throws {
        try withConsole(environment: ["NO_COLOR": ""]) { terminal, _ in
            let banner = try terminal.expect("support-desk> ")
            #expect(banner.contains("\u{1B}[1msupport-desk — connected to "))
            terminal.type("show nobody@acme.example\r")
            let refusal = try terminal.expect("support-desk> ")
            #expect(refusal.contains("\u{1B}[1;31mNo team member nobody@acme.example.\u{1B}[0m"))
            try quit(terminal)
        }
    }

    @Test func aDisableAsksFirst() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Code accepted")
            terminal.type("disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1\r")
            let asked = try terminal.expect("Disable 2FA? [y/N] ")
            // No wrong codes and no lock: the warning of recent trouble is for trouble only.
            #expect(!asked.contains("wrong code") && !asked.contains("was locked"), "\(asked)")
            terminal.type("\r")
            try terminal.expect("Nothing changed.")
            terminal.type("disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1\r")
            try terminal.expect("Disable 2FA? [y/N] ")
            terminal.type("y\r")
            try terminal.expect("2FA disabled for jane@acme.example")
            try quit(terminal)
        }
    }
}
