import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal status`: proves the database is reachable and says where it is.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect and report the database, role and server version.")

    @OptionGroup var options: DatabaseOptions

    func run() throws {
        try PortalRunner.run(options) { connection in
            let summary = try ServerSummary.read(from: connection)
            return PortalReport(
                text: "database \(summary.database) as \(summary.sessionUser) on PostgreSQL \(summary.serverVersion) (\(summary.host):\(summary.port))\(summary.inRecovery ? ", read-only standby" : "")",
                fields: [
                    "database": summary.database, "user": summary.sessionUser, "server_version": summary.serverVersion,
                    "host": summary.host, "port": summary.port, "in_recovery": summary.inRecovery,
                ])
        }
    }
}
