import DeskDatabase
import TOTPCore
import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

/// A process's arguments are visible to every user of the machine through `ps`, so both
/// executables can take a recovery code on stdin instead: `support-desk -c 'verify USER'` and
/// `-f FILE` read it from stdin (hidden prompt on a terminal), `portal login --recovery-code -`
/// reads it from the line after the password.
@Suite struct CodesOutOfArgumentsTests {
    /// A migrated database with Jane (enrolled) and an agent; the agent's URI.
    func withAgent<T>(_ body: (PortalFixture, String, EnrolledMember) throws -> T) throws -> T {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example", role: .administrator)
            // Jane is an administrator; this is not a test of the second channel (SecondChannelTests).
            try fixture.setSecondChannel(.nobody)
            return try body(fixture, fixture.database.uri(user: try fixture.agentRole("kim")), jane)
        }
    }

    @Test func verifyWithoutACodeReadsItFromStandardInputWithCommandArguments() throws {
        try withAgent { _, uri, jane in
            let code = jane.recoveryCodes[0].grouped
            let output = try BuiltProduct.run("support-desk", [
                "--db", uri, "--format", "json", "-c", "verify jane@acme.example",
                "-c", "disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1"],
                input: code + "\n")
            #expect(output.status == 0, "\(output.standardError)")
            let lines = output.standardOutput.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.contains(#""outcome":"match""#) == true)
            #expect(lines.last?.contains(#""action":"2fa_disabled_support""#) == true)
            #expect(!output.standardOutput.contains(code) && !output.standardError.contains(code))
        }
    }

    /// Before a code is read, the console finds out whether one can be checked at all (issue 14):
    /// a member without 2FA, or a locked member, is said so and the caller's code is never read
    /// (it stays on stdin for the next verify); every outcome names the member by email and name.
    @Test func aMemberWithoutTwoFactorOrLockedIsSaidSoBeforeTheCodeIsRead() throws {
        try withAgent { fixture, uri, jane in
            try fixture.member("john@acme.example", name: "John Smith")
            let code = jane.recoveryCodes[0].grouped
            let output = try BuiltProduct.run("support-desk", [
                "--db", uri, "--on-error", "continue", "-c", "verify john@acme.example", "-c", "verify jane@acme.example"],
                input: code + "\n")
            #expect(output.status == 1)
            #expect(output.standardError.contains("john@acme.example (John Smith) has no active 2FA: there is nothing to verify or disable. Nothing was checked"), "\(output.standardError)")
            #expect(output.standardOutput.contains("Code accepted for jane@acme.example (Jane Doe)"), "the code went to Jane's verify: \(output.standardOutput)")

            try fixture.connection.executeScript("UPDATE portal.settings SET user_max_mismatches = 1")
            let wrong = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "verify jane@acme.example \(RecoveryCode.generate().grouped)"])
            #expect(wrong.standardError.contains("recovery for jane@acme.example is locked until") && wrong.standardError.contains("a supervisor can lift it with unlock"))
            let locked = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "verify jane@acme.example"], input: jane.recoveryCodes[1].grouped + "\n")
            #expect(locked.status == 3)
            #expect(locked.standardError.contains("recovery for jane@acme.example (Jane Doe) is locked until") && locked.standardError.contains("Nothing was checked"), "\(locked.standardError)")
            #expect(try fixture.connection.query("SELECT count(*)::int FROM portal.recovery_checks").single().decode(Int.self, at: 0) == 2,
                    "the locked member's code was never checked")
        }
    }

    /// The agent's own lock (too many mismatches across members) is the agent's, not the member's.
    @Test func theAgentsOwnLockIsSaidToBeTheAgents() throws {
        try withAgent { fixture, uri, _ in
            try fixture.connection.executeScript("UPDATE portal.settings SET agent_max_mismatches = 1")
            let wrong = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "verify jane@acme.example \(RecoveryCode.generate().grouped)"])
            #expect(wrong.status == 3)
            #expect(wrong.standardError.contains("you (not jane@acme.example) are locked out of code checks until"), "\(wrong.standardError)")
            #expect(wrong.standardError.contains("unlock --agent "))
            #expect(!wrong.standardError.contains("recovery for jane"))
        }
    }

    @Test func eachVerifyWithoutACodeInAFileTakesTheNextLine() throws {
        try withAgent { _, uri, jane in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("codes-\(UUID()).sd")
            try "verify jane@acme.example\nverify jane@acme.example\nverify jane@acme.example\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let output = try BuiltProduct.run(
                "support-desk", ["--db", uri, "--format", "csv", "-f", file.path],
                input: "\(jane.recoveryCodes[0].normalized.lowercased())\n\(jane.recoveryCodes[1].grouped)\n")
            #expect(output.status == 3)
            #expect(output.standardOutput.components(separatedBy: ",match,").count == 3)
            #expect(output.standardError == "\(file.path):3: error: no code on standard input for verify (one line for each verify without a CODE)\n")
        }
    }

    /// When the commands come from stdin, the next line is a command, never a code.
    @Test func aScriptOnStandardInputStillNeedsTheCode() throws {
        try withAgent { _, uri, jane in
            let output = try BuiltProduct.run("support-desk", ["--db", uri],
                                              input: "verify jane@acme.example\n\(jane.recoveryCodes[0].grouped)\n")
            #expect(output.status == 3)
            #expect(output.standardError.hasPrefix("-:1: error: verify needs the CODE in a script on standard input: verify USER CODE"))
        }
    }

    /// On a terminal the code is asked for with the typing hidden, so it is not on the screen either.
    @Test func aTerminalIsAskedWithTheTypingHidden() throws {
        try withAgent { _, uri, jane in
            let code = jane.recoveryCodes[0].grouped
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), ["--db", uri, "-c", "verify jane@acme.example"],
                                              environment: ["NO_COLOR": "1", "TERM": "xterm", "DATABASE_URL": ""])
            try terminal.expect("Recovery code read by the caller: ")
            terminal.type(code + "\r", atPrompt: false)
            try terminal.expect("Code accepted for jane@acme.example")
            #expect(try terminal.wait() == 0)
            #expect(!terminal.transcript.contains(code))
        }
    }

    @Test func portalLoginReadsTheRecoveryCodeAfterThePassword() throws {
        try withAgent { fixture, _, jane in
            let environment = ["PORTAL_SECRET_KEY": ""]
            let arguments = ["login", "jane@acme.example", "--recovery-code", "-", "--db", fixture.database.uri(), "--json"]
            let code = jane.recoveryCodes[2].grouped
            let signedIn = try BuiltProduct.run("portal", arguments, input: "\(PortalFixture.password)\n\(code)\n", environment: environment)
            #expect(signedIn.status == 0, "\(signedIn.standardError)")
            #expect(signedIn.standardOutput.contains(#""method":"recovery_code""#))
            #expect(signedIn.standardOutput.contains(#""outcome":"signed_in""#))

            let usedUp = try BuiltProduct.run("portal", arguments, input: "\(PortalFixture.password)\n\(code)\n", environment: environment)
            #expect(usedUp.status == 1)
            #expect(usedUp.standardOutput.contains(#""outcome":"wrong_code""#))

            let missing = try BuiltProduct.run("portal", arguments, input: "\(PortalFixture.password)\n", environment: environment)
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("--recovery-code - reads the code from standard input, on the line after the password; none was given"))
        }
    }

    @Test func portalLoginAsksForTheRecoveryCodeHiddenOnATerminal() throws {
        try withAgent { fixture, _, jane in
            let code = jane.recoveryCodes[3].grouped
            let terminal = try PseudoTerminal(BuiltProduct.path("portal"),
                                              ["login", "jane@acme.example", "--recovery-code", "-", "--db", fixture.database.uri()],
                                              environment: ["PORTAL_SECRET_KEY": "", "DATABASE_URL": ""])
            try terminal.expect("Password: ")
            terminal.type(PortalFixture.password + "\r", atPrompt: false)
            try terminal.expect("Recovery code: ")
            terminal.type(code + "\r", atPrompt: false)
            try terminal.expect("signed in with a recovery code")
            #expect(try terminal.wait() == 0)
            #expect(!terminal.transcript.contains(code) && !terminal.transcript.contains(PortalFixture.password))
        }
    }
}
