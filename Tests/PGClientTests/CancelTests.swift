import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

@Suite struct CancelTests {
    @Test func cancelStopsARunningQueryAndKeepsTheConnection() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let token = try connection.makeCancelToken()
            let pid = Int(connection.backendPID)
            let uri = database.uri()
            let started = Date()
            // A thread of its own (the shared pools may all be busy with other blocked tests). It
            // cancels exactly once, when the server shows the sleep running, so the request can
            // neither arrive too early nor leak into the next statement.
            Thread.detachNewThread {
                guard let observer = try? PGConnection(uri) else { return }
                for _ in 0..<200 {
                    let running = try? observer.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE '%pg_sleep%'", [pid]
                    ).single().decode(Int.self, at: 0)
                    if running == 1 {
                        try? token.cancel()
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            do {
                try connection.query("SELECT pg_sleep(30)")
                Issue.record("pg_sleep(30) was not cancelled")
            } catch let error as PGError {
                #expect(error.sqlState == .queryCanceled)
                #expect(error.code == .server)
            }
            #expect(Date().timeIntervalSince(started) < 15)
            #expect(connection.isConnected)
            #expect(try connection.query("SELECT 'still here'").single().decode(String.self, at: 0) == "still here")
        }
    }

    @Test func cancellingWhenIdleIsHarmless() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            try connection.makeCancelToken().cancel()
            #expect(try connection.query("SELECT 1").rows.count == 1)
        }
    }
}
