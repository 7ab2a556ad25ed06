import CommandLineSupport
import PGClient
import ArgumentParser
import Foundation
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal login EMAIL [--code C | --recovery-code R|-]`, password on stdin. `--recovery-code -`
/// reads the code from stdin too, on the line after the password (a hidden prompt on a
/// terminal): a process's arguments are visible to every user of the machine through `ps`.
struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try to sign in; the password is read from stdin. Exit 0 only when signed in.")

    @OptionGroup var options: DatabaseOptions
    @Argument(help: "The member's email.") var email: String
    @Option(name: .long, help: "The 6-digit code from the app.") var code: String?
    @Option(name: .long, help: ArgumentHelp(
        "A recovery code instead of the app's code (used up); - reads it from stdin, the line after the password, out of sight of ps.",
        valueName: "R|-"))
    var recoveryCode: String?

    func validate() throws {
        if code != nil && recoveryCode != nil {
            throw ValidationError("give --code or --recovery-code, not both")
        }
    }

    func run() throws {
        let password = try PortalRunner.readPassword()
        let givenRecoveryCode = try recoveryCode == "-" ? Self.recoveryCodeFromStandardInput() : recoveryCode
        // Password-only logins work without the key; a key that is set must be a valid one.
        let keyText = ProcessInfo.processInfo.environment[SecretBox.environmentVariable] ?? ""
        let secrets = keyText.isEmpty ? nil : try SecretBox(keyText: keyText)
        try PortalRunner.run(options) { connection in
            let outcome = try PortalAPI(connection: connection, secrets: secrets)
                .login(email: email, password: password, code: code, recoveryCode: givenRecoveryCode)
            var fields: [String: any Sendable] = ["outcome": outcome.name, "email": email]
            let text: String
            switch outcome {
            case .signedIn(let method):
                fields["method"] = method.rawValue
                text = switch method {
                case .password: "signed in (password only: 2FA is off)"
                case .totp: "signed in with password and code"
                case .recoveryCode: "signed in with a recovery code (it is now used up)"
                }
            case .codeRequired: text = "code required: enter the 6-digit code from the authenticator app (--code)"
            case .setupRequired: text = "set-up required: this customer requires 2FA; set it up before signing in (portal 2fa setup)"
            case .wrongPassword: text = "wrong email or password"
            case .wrongCode: text = "wrong code"
            case .replayedCode: text = "that code was already used; wait for the next one"
            case .locked(let until):
                fields["locked_until"] = until.description
                text = "locked: too many failed attempts; try again after \(until)"
            }
            var report = PortalReport(text: text, fields: fields)
            if case .signedIn = outcome {} else { report.succeeded = false }
            return report
        }
    }

    /// `--recovery-code -`: the line after the password on stdin, hidden on a terminal.
    private static func recoveryCodeFromStandardInput() throws -> String {
        guard let code = HiddenTyping.readLine(prompt: "Recovery code: "), code.contains(where: { !$0.isWhitespace }) else {
            throw ValidationError("--recovery-code - reads the code from standard input, on the line after the password; none was given")
        }
        return code
    }
}
