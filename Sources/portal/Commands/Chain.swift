import ArgumentParser
import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal chain [--once] [--interval SECONDS]`: the trusted chainer of the audit log.
struct Chain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move committed staged audit events into the hash chain (a long-running service; --once for scripts).",
        discussion: """
            Support calls and the portal only stage audit events, so no open transaction can hold
            the chain. This service chains them in the order it sees them commit: it listens on
            the channel supportdesk_audit_staged, so an event is chained as soon as its transaction
            commits, and looks again every --interval seconds in any case. Each time round it also
            deletes credentials suspended by support disables whose dispute window has passed
            (portal.purge_suspended_credentials). Run it as a role
            in audit_chainer (or a superuser); several may run, they take turns on the chain head.
            After a lost connection it reconnects, waiting up to 30 s between tries.
            """)

    @OptionGroup var options: DatabaseOptions
    @Flag(name: .long, help: "Chain what is committed now, print how many, and exit.") var once = false
    @Option(name: .long, help: "Longest wait in seconds between looks at the staging table when no commit is announced (0.05-60).") var interval = 5.0

    func validate() throws {
        guard (0.05...60).contains(interval) else { throw ValidationError("--interval must be between 0.05 and 60 seconds") }
    }

    func run() throws {
        if once {
            try PortalRunner.run(options) { connection in
                let chainer = AuditChainer(connection: connection)
                let chained = try chainer.chainPending()
                let purged = try chainer.purgeExpiredSuspensions()
                return PortalReport(text: "chained \(chained) event\(chained == 1 ? "" : "s")"
                                        + (purged > 0 ? "; deleted \(purged) suspended credential\(purged == 1 ? "" : "s") past the dispute window" : ""),
                                    fields: ["chained": chained, "purged": purged])
            }
            return
        }
        ReconnectingService.run("chain", options: options) { connection, connected in
            let chainer = AuditChainer(connection: connection)
            try chainer.listen()
            connected()
            while true {
                // Listening first, then chaining, loses nothing: a commit after this look
                // is announced to the wait below.
                let chained = try chainer.chainPending()
                if chained > 0 { FileHandle.standardError.write(Data("portal chain: chained \(chained)\n".utf8)) }
                let purged = try chainer.purgeExpiredSuspensions()
                if purged > 0 { FileHandle.standardError.write(Data("portal chain: deleted \(purged) suspended credentials past the dispute window\n".utf8)) }
                try chainer.waitForStaged(timeout: interval)
            }
        }
    }
}
