import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

/// A server stopped as a crash would (`pg_ctl stop -m immediate`): libpq can report the next
/// statement's failure as "server closed the connection unexpectedly" while its status still
/// reads OK. The failure must still say the connection is lost (issue 15), so callers reconnect
/// and settle what was in flight instead of taking it for a refusal.
@Suite struct ServerCrashTests {
    @Test func theNextStatementAfterACrashIsALostConnection() throws {
        let directory = (ProcessInfo.processInfo.environment["SUPPORT_DESK_TEST_TMPDIR"] ?? "/tmp") + "/sd-test-\(getpid())-crash\(UInt16.random(in: 0...9999))"
        let uri = try ClusterScript.run(["start", directory, "--ephemeral"]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? ClusterScript.run(["stop", directory, "--remove"]) }
        let connection = try PGConnection(uri)
        defer { connection.close() }
        #expect(try connection.query("SELECT 1").rows.count == 1)
        _ = try ClusterScript.run(["stop", directory, "--immediate"])
        Thread.sleep(forTimeInterval: 0.2)
        for statement in ["SELECT 1", "SELECT 2"] {
            #expect { try connection.query(statement) } throws: { error in
                (error as? PGError)?.code == .connectionLost && (error as? PGError)?.isConnectionProblem == true
            }
        }
        #expect { try connection.forEachRow("SELECT 1") { _ in } } throws: { ($0 as? PGError)?.code == .connectionLost }
    }
}
