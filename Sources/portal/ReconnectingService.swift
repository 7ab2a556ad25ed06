import CommandLineSupport
import Foundation
import PGClient
import DeskDatabase

/// The loop the two background services (`portal chain`, `portal notify`) share, so they come
/// through a restart or failover of the database the same way: connect, work until the
/// connection fails, wait (0.25 s, doubling up to 30 s) and connect again. A refusal every try
/// would meet again (no privilege, no such function) ends the run with exit 1 instead.
///
/// A service never asks for a password, even on a terminal (README, "Signing in"): it reconnects
/// unattended, so a password must come from somewhere it can read again every time (PGPASSWORD,
/// a password file, a client certificate), and a server that wants one it does not have ends the
/// run with exit 2 and says so, rather than retrying forever.
enum ReconnectingService {
    /// Runs `work` on a fresh connection each time the last one failed; `work` runs until it
    /// throws. `name` is the subcommand, for messages.
    static func run(_ name: String, options: DatabaseOptions, work: (PGConnection, _ connected: () -> Void) throws -> Void) -> Never {
        let signIn = PasswordSignIn.unattended(DatabaseAddress.resolve(flag: options.db), program: "portal \(name)")
        let firstBackoff = 0.25
        var backoff = firstBackoff
        while true {
            do {
                let connection = try signIn.open().connection
                defer { connection.close() }
                try work(connection) { backoff = firstBackoff }
            } catch let error as PasswordSignIn.Failure where error.passwordMissing {
                PortalRunner.fail(options, exit: 2, sqlState: nil,
                                  message: "could not connect (\(DatabaseAddress.source(flag: options.db))): \(error.message)")
            } catch let error as PGError where isFinal(error) {
                PortalRunner.fail(options, exit: 1, sqlState: error.sqlState?.rawValue, message: "\(name): \(error.message)")
            } catch {
                let reason = (error as? PasswordSignIn.Failure).map { "could not connect: \($0.message)" } ?? "\(error)"
                FileHandle.standardError.write(Data("portal \(name): \(reason); retrying in \(String(format: "%.1f", backoff)) s\n".utf8))
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 30)
            }
        }
    }

    /// A refusal that will be the same on every try: no privilege, or no such function.
    private static func isFinal(_ error: PGError) -> Bool {
        error.sqlState == .insufficientPrivilege || error.sqlState?.rawValue == "42883"
    }
}
