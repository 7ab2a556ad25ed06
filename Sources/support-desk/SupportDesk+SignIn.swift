import CommandLineSupport
import DeskConsole
import PGClient
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signing in as psql does: the console asks for a password only when the server wants one,
/// none was given, and stdin is a terminal to type it on (hidden, outside libedit, so never in
/// the history); `-w` never asks. The typed password stays in this process's memory.
extension SupportDesk {
    /// The sign-in for `address`, asking on the terminal when it may.
    func signIn(_ address: String) -> PasswordSignIn {
        let canAsk = !noPassword && isatty(0) == 1
        return PasswordSignIn(
            connect: { (password: String?) throws(PGError) -> PGConnection in try PGConnection(address, password: password) },
            ask: canAsk ? { HiddenTyping.readLine(prompt: $0) } : nil,
            tell: { StandardError.write("support-desk: \(TerminalSafeText.escape($0, keepingLineBreaks: true))") },
            whyNotAsked: noPassword ? "-w says not to ask" : "there is no terminal to ask on")
    }
}
