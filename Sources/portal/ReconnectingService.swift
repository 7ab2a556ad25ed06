import Foundation
import PGClient
import DeskDatabase

/// The loop the two background services (`portal chain`, `portal notify`) share, so they come
/// through a restart or failover of the database the same way: connect, work until the
/// connection fails, wait (0.25 s, doubling up to 30 s) and connect again. A refusal every try
/// would meet again (no privilege, no such function) ends the run with exit 1 instead.
enum ReconnectingService {
    /// Runs `work` on a fresh connection each time the last one failed; `work` runs until it
    /// throws. `name` is the subcommand, for messages.
    static func run(_ name: String, options: DatabaseOptions, work: (PGConnection, _ connected: () -> Void) throws -> Void) -> Never {
        let address = DatabaseAddress.resolve(flag: options.db)
        let firstBackoff = 0.25
        var backoff = firstBackoff
        while true {
            do {
                let connection = try PGConnection(address)
                defer { connection.close() }
                try work(connection) { backoff = firstBackoff }
            } catch let error as PGError where isFinal(error) {
                PortalRunner.fail(options, exit: 1, sqlState: error.sqlState?.rawValue, message: "\(name): \(error.message)")
            } catch {
                FileHandle.standardError.write(Data("portal \(name): \(error); retrying in \(String(format: "%.1f", backoff)) s\n".utf8))
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
