import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `log follow` as a SIEM shipper runs it: events from writers committing side by side come
/// out once each, in chain order, as the chainer chains them; stopped with Ctrl-C and restarted
/// with `--after` the last seq printed, it neither loses nor repeats one; a link rewritten
/// behind the database's back stops it with exit 3.
@Suite(.serialized) struct LogFollowTests {
    /// Stages `count` events, each committed on its own, from `writers` connections at once.
    func write(_ fixture: PortalFixture, writers: Int, each count: Int) {
        let uri = fixture.database.uri()
        let results = concurrently(writers) { writer in
            let connection = try PGConnection(uri)
            defer { connection.close() }
            for index in 0..<count {
                try connection.query("SELECT portal.append_event('recovery_failed', $1, 'follow test', NULL, NULL, NULL)",
                                     ["writer\(writer)-\(index)@acme.example"])
            }
        }
        for result in results { if case .failure(let error) = result { Issue.record(error) } }
    }

    /// The seqs of the JSON event lines printed so far.
    func seqs(_ output: String) -> [Int64] {
        output.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["ok"] == nil else { return nil }
            return (object["seq"] as? NSNumber)?.int64Value
        }
    }

    func chainedCount(_ fixture: PortalFixture) throws -> Int64 {
        try fixture.connection.query("SELECT seq FROM portal.audit_chain_head").single().decode(Int64.self, at: 0)
    }

    func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// Stops a follower with Ctrl-C and returns what it wrote.
    func interrupt(_ follower: RunningProcess) throws -> ProcessOutput {
        kill(follower.pid, SIGINT)
        return try follower.wait()
    }

    @Test func concurrentWritersThenARestartLoseAndRepeatNothing() throws {
        try withPortalFixture { fixture in
            let uri = fixture.database.uri(user: try fixture.agentRole("soc", supervisor: true))
            let chainer = try BuiltProduct.start("portal", ["chain", "--interval", "60", "--db", fixture.database.uri()])
            defer {
                kill(chainer.pid, SIGTERM)
                _ = try? chainer.wait()
            }
            write(fixture, writers: 1, each: 3)
            #expect(try waitUntil(seconds: 10) { try chainedCount(fixture) == 3 })

            // From the start of the chain, while four writers commit 40 events each.
            let first = try BuiltProduct.start("support-desk", ["--db", uri, "--format", "json", "-c", "log follow --after 0"])
            write(fixture, writers: 4, each: 40)
            #expect(try waitUntil(seconds: 30) { try chainedCount(fixture) == 163 })
            #expect(waitUntil(seconds: 15) { seqs(first.standardOutputSoFar()).last == 163 })
            let stopped = try interrupt(first)
            #expect(stopped.status == 0, "\(stopped.standardError)")
            let printed = seqs(stopped.standardOutput)
            #expect(printed == Array(1...163))
            let summary = try #require(stopped.standardOutput.split(separator: "\n").last)
            #expect(summary == #"{"ok":true,"command":"log follow","events":163,"last_seq":163}"#)

            // Events committed while nobody follows, then more after the restart.
            write(fixture, writers: 2, each: 10)
            #expect(try waitUntil(seconds: 30) { try chainedCount(fixture) == 183 })
            let second = try BuiltProduct.start("support-desk", ["--db", uri, "--format", "json", "-c", "log follow --after 163"])
            write(fixture, writers: 3, each: 10)
            #expect(try waitUntil(seconds: 30) { try chainedCount(fixture) == 213 })
            #expect(waitUntil(seconds: 15) { seqs(second.standardOutputSoFar()).last == 213 })
            let restarted = try interrupt(second)
            #expect(restarted.status == 0)
            #expect(seqs(restarted.standardOutput) == Array(164...213))

            // Each line carries the event and both hashes; a table follower says where to resume.
            let line = try #require(stopped.standardOutput.split(separator: "\n").first)
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(event["action"] as? String == "recovery_failed")
            #expect((event["hash"] as? String)?.count == 64)
            #expect(event["prev_hash"] as? String == String(repeating: "0", count: 64))
            let table = try BuiltProduct.start("support-desk", ["--db", uri, "-c", "log follow"])
            Thread.sleep(forTimeInterval: 1)
            let tableOutput = try interrupt(table)
            #expect(tableOutput.status == 0)
            #expect(tableOutput.standardOutput.contains("Stopped after 0 events; to carry on: log follow --after 213"), "\(tableOutput.standardOutput)")
        }
    }

    @Test func aForgedLinkStopsItWithExitThree() throws {
        try withPortalFixture { fixture in
            let uri = fixture.database.uri(user: try fixture.agentRole("soc", supervisor: true))
            write(fixture, writers: 1, each: 3)
            try fixture.chainAuditEvents()
            let follower = try BuiltProduct.start("support-desk", ["--db", uri, "--format", "json", "-c", "log follow --after 1"])
            #expect(waitUntil(seconds: 15) { seqs(follower.standardOutputSoFar()) == [2, 3] })
            // A superuser appends an event that does not link to the head, and moves the head.
            try fixture.connection.executeScript("""
                INSERT INTO portal.audit_events (seq, prev_hash, hash, occurred_at, actor, action, target, version, event_id)
                VALUES (4, sha256('forged'), sha256('forged event'), now(), 'mallory', 'recovery_verified', 'x@acme.example', 2, 1000);
                UPDATE portal.audit_chain_head SET seq = 4, hash = sha256('forged event');
                """)
            let output = try follower.wait()
            #expect(output.status == 3)
            #expect(seqs(output.standardOutput) == [2, 3])
            #expect(output.standardError == "-c:1: error: the audit log does not verify: event 4 does not link to event 3: the chain was broken there\n")
        }
    }

    @Test func anAlteredEventBeforeTheStartIsCaughtAtOnce() throws {
        try withPortalFixture { fixture in
            let uri = fixture.database.uri(user: try fixture.agentRole("soc", supervisor: true))
            write(fixture, writers: 1, each: 3)
            try fixture.chainAuditEvents()
            try fixture.connection.executeScript("""
                ALTER TABLE portal.audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE portal.audit_events SET reason = 'nothing to see' WHERE seq = 2;
                """)
            let fromStart = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log follow --after 0"])
            #expect(fromStart.status == 3)
            #expect(fromStart.standardError.contains("event 2 was altered"), "\(fromStart.standardError)")
            // Starting at the altered event itself: its own hash is checked before it is trusted.
            let fromIt = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log follow --after 2"])
            #expect(fromIt.status == 3)
            #expect(fromIt.standardError.contains("event 2 was altered"))
            let agent = try BuiltProduct.run("support-desk", ["--db", fixture.database.uri(user: try fixture.agentRole("kim")), "-c", "log follow"])
            #expect(agent.status == 3)
            #expect(agent.standardError.contains("not a supervisor") || agent.standardError.contains("only a supervisor"), "\(agent.standardError)")
        }
    }
}
