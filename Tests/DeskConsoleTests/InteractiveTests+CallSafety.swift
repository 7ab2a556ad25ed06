import DeskDatabase
import Foundation
import PGClient
import ProcessTesting
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// What a hostile review of the fewer-keys changes (issue 14) found, each attack typed on a real
/// terminal: the wrong member disabled through typed-ahead lines and a failed `find`, a ticket
/// carried to another call, Ctrl-D at a half-typed ticket, an emailed code refused at the end.
extension InteractiveTests {
    /// Whether the member's authenticator is still active, as the database has it.
    func stillActive(_ setup: Setup) throws -> Bool {
        try setup.fixture.connection.query(
            "SELECT count(*) FROM portal.totp_credentials WHERE member_id = $1 AND state = 'active'",
            [setup.jane.memberID]).single().decode(Int64.self, at: 0) == 1
    }

    @Test func linesTypedAheadNeverAnswerAQuestion() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Code accepted")
            try terminal.expect("support-desk> ")
            // One burst, before any question is on the screen: the command, a reason number,
            // Enter for the ticket and a yes. Only the command may count.
            terminal.type("disable-2fa\r1\r\ry\r", atPrompt: false)
            try terminal.expect("Reason (1–4, or why in words): ")
            Thread.sleep(forTimeInterval: 0.5)
            terminal.type("\u{03}", atPrompt: false)
            let after = try terminal.expect("support-desk> ")
            #expect(after.contains("nothing changed") && !after.contains("Disable 2FA?") && !after.contains("2FA disabled"), "\(after)")
            #expect(try stillActive(setup))
            try quit(terminal)
        }
    }

    @Test func aFailedFindEndsTheCallOfTheMemberBefore() throws {
        try withConsole { terminal, setup in
            try terminal.expect("support-desk> ")
            terminal.type("find jane\r")
            try terminal.expect("(1 match)")
            try terminal.expect("support-desk> ")
            terminal.type("find chloe --limit 0\r")
            try terminal.expect("support-desk> ")
            terminal.type("verify\r")
            let said = try terminal.expect("support-desk> ")
            #expect(said.contains("Verify needs USER"), "\(said)")
            #expect(!said.contains("Recovery code"), "\(said)")
            try quit(terminal)
        }
    }

    @Test func aTicketIsOfferedAgainOnlyForTheSameMemberAfterItWasUsed() throws {
        try withConsole { terminal, setup in
            try setup.fixture.setApprovalPolicy(.nobody)
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Code accepted")
            terminal.type("disable-2fa jane@acme.example --reason 1\r")
            try terminal.expect("Ticket reference: SUP-")
            terminal.type("77\r")
            try terminal.expect("Disable 2FA? [y/N] ")
            terminal.type("n\r")
            try terminal.expect("Nothing changed.")
            // Answered no: the ticket was never used, so it is not offered again.
            terminal.type("disable-2fa jane@acme.example --reason 1\r")
            let offered = try terminal.expect("Ticket reference: SUP-")
            terminal.type("\u{04}", atPrompt: false)      // Ctrl-D on a line that holds text
            let cancelled = try terminal.expect("support-desk> ")
            #expect(!offered.contains("SUP-77") && !cancelled.contains("SUP-77"), "\(offered)\(cancelled)")
            #expect(cancelled.contains("nothing changed") && !cancelled.contains("Disable 2FA?"), "\(cancelled)")
            #expect(try stillActive(setup))
            try quit(terminal)
        }
    }

    @Test func aMissingEmailedCodeIsOfferedBeforeTheReasonNotRefusedAfterIt() throws {
        try withConsole { terminal, setup in
            try setup.fixture.setSecondChannel(.administrators)   // Jane is an administrator
            try terminal.expect("support-desk> ")
            terminal.type("verify jane@acme.example \(setup.jane.recoveryCodes[0].grouped)\r")
            try terminal.expect("Mail a 6-digit code to the address on file now? [Y/n] ")
            terminal.type("n\r")
            let declined = try terminal.expect("support-desk> ")
            #expect(declined.contains("disable-2fa offers to send it"), "\(declined)")
            terminal.type("disable-2fa jane@acme.example\r")
            let asked = try terminal.expect("[Y/n] ")
            #expect(!asked.contains("Reason"), "the mail is offered before the reason: \(asked)")
            terminal.type("\u{03}", atPrompt: false)
            let cancelled = try terminal.expect("support-desk> ")
            #expect(cancelled.contains("no code was mailed, and nothing was disabled"), "\(cancelled)")
            #expect(try stillActive(setup))
            try quit(terminal)
        }
    }
}
