import TOTPCore
import PGClient
import Foundation
import Testing
import ProcessTesting
import TestSupport

/// `--jobs N`: look-ups side by side, yet the output, effects and exit status of a one-by-one run.
@Suite struct ParallelLookupTests {
    func run(_ uri: String, _ script: String, _ extra: [String]) throws -> ProcessOutput {
        try BuiltProduct.run("support-desk", ["--db", uri, "--format", "json"] + extra, input: script)
    }

    /// JSON lines with the run-to-run parts (times, request ids) blanked.
    func stable(_ text: String) -> String {
        text.replacingOccurrences(of: #""(occurred_at|usable_until|request_id|two_factor_since|created_at|verified_until|suspended_at|dispute_until|ended_at|sent_at)":"[^"]*""#,
                                  with: #""$1":"…""#, options: .regularExpression)
    }

    @Test func aMixedScriptReadsTheSameWithJobs() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            var script = ""
            var codes: [String: String] = [:]
            for index in 0..<6 {
                let member = try fixture.enrolledMember("m\(index)@acme.example", name: "Member \(index)")
                codes[member.email] = member.recoveryCodes[0].grouped
            }
            let role = try fixture.agentRole("kim")
            for index in 0..<6 {
                let email = "m\(index)@acme.example"
                script += "find \(email)\nshow \(email) --events 2\nfind member\nhelp find\n"
                script += "show nobody\(index)@acme.example\n"
                script += "verify \(email) \(codes[email]!)\n"
                script += "disable-2fa \(email) --reason 'lost phone, code read' --ticket SUP-\(index)\n"
                script += "show \(email) --events 3\nwhoami\n"
            }
            // Each run gets the same fresh state: run one-by-one on one database, with jobs on another.
            let sequential = try run(fixture.database.uri(user: role), script, ["--on-error", "continue"])
            #expect(sequential.status == 1)
            #expect(sequential.standardOutput.split(separator: "\n").count == 54)

            try withPortalFixture { other in
                try other.customer()
                var script2 = script
                for index in 0..<6 {
                    let member = try other.enrolledMember("m\(index)@acme.example", name: "Member \(index)")
                    script2 = script2.replacingOccurrences(of: codes[member.email]!, with: member.recoveryCodes[0].grouped)
                }
                try other.connection.executeScript("CREATE ROLE \(role)_b LOGIN IN ROLE support_agent")
                defer { try? other.connection.executeScript("DROP ROLE \(role)_b") }
                let parallel = try run(other.database.uri(user: "\(role)_b"), script2, ["--on-error", "continue", "--jobs", "4"])
                #expect(parallel.status == sequential.status)
                #expect(parallel.standardError == sequential.standardError)
                let normalised = stable(parallel.standardOutput).replacingOccurrences(of: "\(role)_b", with: role)
                    .replacingOccurrences(of: other.database.name, with: fixture.database.name)
                #expect(normalised == stable(sequential.standardOutput))
            }
        }
    }

    /// The equivalence above would hold one by one too; this shows the look-ups really overlap:
    /// with the members' table locked, N of them wait for it at once, on N connections.
    @Test func lookUpsRunSideBySide() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
            let role = try fixture.agentRole("kim")
            let holder = try fixture.database.connect()
            defer { holder.close() }
            _ = try holder.query("BEGIN")
            _ = try holder.query("LOCK TABLE portal.team_members IN ACCESS EXCLUSIVE MODE")
            let console = try BuiltProduct.start("support-desk", ["--db", fixture.database.uri(user: role), "--format", "json", "--jobs", "3"],
                                                 input: String(repeating: "find jane\n", count: 6))
            var waiting = 0
            for _ in 0..<400 where waiting < 3 {
                waiting = try fixture.connection.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'", [role]
                ).single().decode(Int.self, at: 0)
                if waiting < 3 { Thread.sleep(forTimeInterval: 0.025) }
            }
            _ = try holder.query("ROLLBACK")
            let output = try console.wait()
            #expect(waiting == 3, "look-ups waiting at once: \(waiting)")
            #expect(output.status == 0)
            #expect(output.standardOutput.split(separator: "\n").count == 6)
        }
    }

    @Test func aFailedLookUpStopsTheScriptAtItsLine() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            try fixture.member("jane@acme.example")
            let uri = fixture.database.uri(user: try fixture.agentRole("kim"))
            let script = String(repeating: "find jane\n", count: 40) + "show nobody@acme.example\n" + String(repeating: "whoami\n", count: 40)
            for jobs in ["1", "3"] {
                let output = try run(uri, script, ["--jobs", jobs])
                #expect(output.status == 3)
                #expect(output.standardError == "-:41: error: no team member nobody@acme.example\n")
                let lines = output.standardOutput.split(separator: "\n")
                #expect(lines.count == 41, "jobs \(jobs)")
                #expect(lines.last?.hasPrefix(#"{"ok":false,"command":"show""#) == true)
            }
        }
    }

    @Test func aWorkerThatCannotConnectEndsTheRunWithTwo() throws {
        try withPortalFixture { fixture in
            try fixture.customer()
            let role = try fixture.agentRole("kim")
            try fixture.connection.executeScript("ALTER ROLE \(role) CONNECTION LIMIT 1")
            let output = try run(fixture.database.uri(user: role), "whoami\nfind jane\n", ["--jobs", "2"])
            #expect(output.status == 2)
            #expect(output.standardError.hasPrefix("-:1: error: could not open another connection: "), "\(output.standardError)")
        }
    }

    @Test func jobsAreBounded() throws {
        for value in ["0", "17", "many"] {
            #expect(try BuiltProduct.run("support-desk", ["--jobs", value]).status == 1)
        }
    }
}
