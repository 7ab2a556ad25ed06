import CommandLineSupport
import DeskConsole
import PGClient

/// Signing in as psql does, by the rule `portal` shares (`PasswordSignIn.onTerminal`): the
/// console asks for a password only when the server wants one, none was given, and stdin is a
/// terminal to type it on (hidden, outside libedit, so never in the history); `-w` never asks.
/// The typed password stays in this process's memory.
extension SupportDesk {
    /// The sign-in for `address`, asking on the terminal when it may.
    func signIn(_ address: String) -> PasswordSignIn {
        PasswordSignIn.onTerminal(address, noPassword: signInOptions.noPassword) {
            StandardError.write("support-desk: \(TerminalSafeText.escape($0, keepingLineBreaks: true))")
        }
    }
}
