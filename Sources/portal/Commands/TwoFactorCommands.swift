import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup
import QRCode
import TOTPCore

/// `portal 2fa …`: what a member does on the Security tab.
struct TwoFactorCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "2fa", abstract: "A member's own two-factor authentication (needs PORTAL_SECRET_KEY).",
        subcommands: [Setup.self, Confirm.self, Disable.self, RecoveryCodes.self])

    /// `portal 2fa setup EMAIL`
    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start set-up: store a pending secret and print the otpauth:// URI for the app.")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The member's email.") var email: String
        @Flag(name: .long, help: "Also draw the URI as a QR code on the terminal, to scan with the phone (the web portal's QR library).") var qr = false

        func run() throws {
            let secrets = try SecretBox.fromEnvironment()
            try PortalRunner.run(options) { connection in
                let uri = try PortalAPI(connection: connection, secrets: secrets).beginEnrolment(email: email)
                var lines = [uri.uriString, "secret \(uri.secret.base32)",
                             "Add it to the authenticator app, then run: portal 2fa confirm \(email) CODE"]
                if qr {
                    // Drawn light on dark whatever the terminal's colours, with its own quiet zone.
                    lines.insert(try QRCode(encoding: uri.uriString).terminalBlocks(), at: 0)
                }
                lines += uri.googleAuthenticatorCaveats.map { "note: \($0)" }
                return PortalReport(text: lines.joined(separator: "\n"), fields: [
                    "otpauth_uri": uri.uriString, "secret": uri.secret.base32, "email": email,
                ])
            }
        }
    }

    /// `portal 2fa confirm EMAIL CODE`
    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Activate 2FA with the first code; prints the recovery codes, once.")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The member's email.") var email: String
        @Argument(help: "The current code from the app.") var code: String

        func run() throws {
            let secrets = try SecretBox.fromEnvironment()
            try PortalRunner.run(options) { connection in
                let codes = try PortalAPI(connection: connection, secrets: secrets).confirmEnrolment(email: email, code: code)
                return codesReport("2FA is active for \(email). Recovery codes (shown once; write them down):", email, codes)
            }
        }
    }

    /// `portal 2fa disable EMAIL --code C`
    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The member turns 2FA off with a current code.")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The member's email.") var email: String
        @Option(name: .long, help: "A current code from the app.") var code: String

        func run() throws {
            let secrets = try SecretBox.fromEnvironment()
            try PortalRunner.run(options) { connection in
                try PortalAPI(connection: connection, secrets: secrets).disableTwoFactor(email: email, code: code)
                return PortalReport(text: "2FA is off for \(email)", fields: ["email": email, "twofa_state": "off"])
            }
        }
    }

    /// `portal 2fa recovery-codes EMAIL --code C`
    struct RecoveryCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recovery-codes", abstract: "Replace the recovery codes (the old ones stop working).")

        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The member's email.") var email: String
        @Option(name: .long, help: "A current code from the app.") var code: String

        func run() throws {
            let secrets = try SecretBox.fromEnvironment()
            try PortalRunner.run(options) { connection in
                let codes = try PortalAPI(connection: connection, secrets: secrets).regenerateRecoveryCodes(email: email, code: code)
                return codesReport("New recovery codes for \(email) (the old ones no longer work):", email, codes)
            }
        }
    }
}

/// Recovery codes as people copy them (one group of four per line) and as scripts read them.
private func codesReport(_ heading: String, _ email: String, _ codes: [RecoveryCode]) -> PortalReport {
    PortalReport(text: ([heading] + codes.map { "  \($0.grouped)" }).joined(separator: "\n"),
                 fields: ["email": email, "recovery_codes": codes.map(\.grouped)])
}
