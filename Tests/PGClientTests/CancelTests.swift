import Foundation
import PGClient
import Testing
import TestSupport

@Suite struct CancelTests {
    @Test func cancelStopsARunningQueryAndKeepsTheConnection() throws {
        try withTestDatabase { database in
            let connection = try database.connect()
            let token = try connection.makeCancelToken()
            let started = Date()
            // A thread of its own: the shared pools may all be busy with other blocked tests.
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.3)
                try? token.cancel()
            }
            do {
                try connection.query("SELECT pg_sleep(30)")
                Issue.record("pg_sleep(30) was not cancelled")
            } catch let error as PGError {
                #expect(error.sqlState == .queryCanceled)
                #expect(error.code == .server)
            }
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(connection.isConnected)
            #expect(try connection.query("SELECT 'still here'").rows[0].decode(String.self, at: 0) == "still here")
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
