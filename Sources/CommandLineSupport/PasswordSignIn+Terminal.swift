public import PGClient
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PasswordSignIn {
    /// The sign-in both executables use for a run a person started: it asks on the terminal
    /// (hidden, through `HiddenTyping`, so never in a line editor's history) only when stdin is
    /// one and `-w` was not given, and otherwise says which of the two kept it from asking. Kept
    /// here so the console and `portal` decide when to ask by one rule, not two copies.
    /// - Parameters:
    ///   - address: the connection string (`DatabaseAddress.resolve`).
    ///   - noPassword: `-w` was given.
    ///   - tell: writes one line on stderr (the program names itself), before asking again.
    public static func onTerminal(_ address: String, noPassword: Bool, tell: @escaping (String) -> Void) -> PasswordSignIn {
        let canAsk = !noPassword && isatty(0) == 1
        return PasswordSignIn(
            connect: { (password: String?) throws(PGError) -> PGConnection in try PGConnection(address, password: password) },
            ask: canAsk ? { HiddenTyping.readLine(prompt: $0) } : nil,
            tell: tell,
            whyNotAsked: noPassword ? "-w says not to ask" : "there is no terminal to ask on")
    }

    /// The sign-in of a service that reconnects unattended (`portal serve`, `chain`, `notify`):
    /// it never asks, since nobody may be at a terminal when it reconnects at 3 a.m. and a typed
    /// password would have to be kept for the life of the process; the failure names `program`
    /// and says to use PGPASSWORD or a password file instead.
    public static func unattended(_ address: String, program: String) -> PasswordSignIn {
        PasswordSignIn(
            connect: { (password: String?) throws(PGError) -> PGConnection in try PGConnection(address, password: password) },
            ask: nil,
            tell: { _ in },
            whyNotAsked: "\(program) never asks for one, as it reconnects unattended")
    }
}
