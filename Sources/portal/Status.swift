import ArgumentParser
import Foundation
import PGClient
import PortalStore

/// `portal status`: proves the database is reachable and says where it is.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect and report the database, role and server version.")

    @OptionGroup var options: DatabaseOptions

    func run() throws {
        let summary: ServerSummary
        do {
            let connection = try PGConnection(DatabaseAddress.resolve(flag: options.db))
            defer { connection.close() }
            summary = try ServerSummary.read(from: connection)
        } catch {
            FileHandle.standardError.write(Data("portal: could not connect (\(DatabaseAddress.source(flag: options.db))): \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        if options.json {
            let object: [String: any Sendable] = [
                "database": summary.database, "user": summary.sessionUser, "server_version": summary.serverVersion,
                "host": summary.host, "port": summary.port, "in_recovery": summary.inRecovery,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("database \(summary.database) as \(summary.sessionUser) on PostgreSQL \(summary.serverVersion) (\(summary.host):\(summary.port))\(summary.inRecovery ? ", read-only standby" : "")")
        }
    }
}
