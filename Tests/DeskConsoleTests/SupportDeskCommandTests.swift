import DeskDatabase
import TOTPCore
import PGClient
import Foundation
import Testing
import ProcessTesting
import TestSupport

/// The `support-desk` executable as scripts run it: -c, -f, stdin, formats, exit statuses, stderr.
@Suite struct SupportDeskCommandTests {
    /// A migrated database with Jane (enrolled) and an agent; the agent's URI.
    func withAgent<T>(_ body: (PortalFixture, String, EnrolledMember) throws -> T) throws -> T {
        try withPortalFixture { fixture in
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example", role: .administrator)
            // Jane is an administrator; this is not a test of the second channel (SecondChannelTests).
            try fixture.setSecondChannel(.nobody)
            return try body(fixture, fixture.database.uri(user: try fixture.agentRole("kim")), jane)
        }
    }

    /// Several commands in CSV give one header per kind of table, so an export loads as one
    /// table (issue 14); a new kind gets its own header.
    @Test func csvWritesOneHeaderPerKindOfTable() throws {
        try withAgent { _, uri, _ in
            let output = try BuiltProduct.run("support-desk", [
                "--db", uri, "--format", "csv", "-c", "find jane@acme.example", "-c", "whoami",
                "-c", "find acme", "-c", "whoami"])
            #expect(output.status == 0)
            let lines = output.standardOutput.split(separator: "\n").map(String.init)
            let headers = lines.filter { $0.hasPrefix("row,") || $0.hasPrefix("agent,") }
            #expect(headers.count == 2, "\(lines)")
            #expect(lines.first?.hasPrefix("row,") == true && lines.filter { $0.hasPrefix("kim") || $0.contains(",false,") }.count >= 2)
        }
    }

    @Test func commandsFromArgumentsRunInOrder() throws {
        try withAgent { _, uri, jane in
            let output = try BuiltProduct.run("support-desk", [
                "--db", uri, "--format", "json", "-c", "find jane@acme.example",
                "-c", "verify jane@acme.example \(jane.recoveryCodes[0].grouped)",
                "-c", "disable-2fa jane@acme.example --reason 'lost phone, code read' --ticket SUP-1"])
            #expect(output.status == 0)
            let lines = output.standardOutput.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines.allSatisfy { $0.hasPrefix(#"{"ok":true,"#) })
            #expect(lines[2].contains(#""action":"2fa_disabled_support""#))
            #expect(output.standardError.isEmpty)
        }
    }

    @Test func aFileStopsAtItsFirstFailureWithFileAndLine() throws {
        try withAgent { _, uri, _ in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("calls-\(UUID()).sd")
            try "# rehearsal\nfind jane\nshow nobody@acme.example\nwhoami\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let stopped = try BuiltProduct.run("support-desk", ["--db", uri, "-f", file.path])
            #expect(stopped.status == 3)
            #expect(stopped.standardError == "\(file.path):3: error: no team member nobody@acme.example\n")
            #expect(!stopped.standardOutput.contains("Supervisor"))

            let continued = try BuiltProduct.run("support-desk", ["--db", uri, "-f", file.path, "--on-error", "continue"])
            #expect(continued.status == 1)
            #expect(continued.standardOutput.contains("Supervisor"))
        }
    }

    @Test func stdinIsAScriptWhenItIsNotATerminal() throws {
        try withAgent { _, uri, _ in
            let output = try BuiltProduct.run("support-desk", ["--format", "csv"], input: "whoami\nquit\nwhoami\n", environment: ["DATABASE_URL": uri])
            #expect(output.status == 0)
            #expect(output.standardOutput.split(separator: "\n").count == 2)
            #expect(output.standardOutput.hasPrefix("agent,supervisor,locked_until,database\n"))
        }
    }

    @Test func aFailedCommandStopsTheScriptWithStatusThree() throws {
        try withAgent { _, uri, _ in
            let output = try BuiltProduct.run("support-desk", [], input: "help\nnope\nhelp\n", environment: ["DATABASE_URL": uri])
            #expect(output.status == 3)
            #expect(output.standardError == "-:2: error: unknown command 'nope' (type help for the list)\n")
        }
    }

    @Test func unreadableInputGetsErrorsNotCrashes() throws {
        try withAgent { _, uri, _ in
            var bytes = Data("whoami\n".utf8)
            bytes.append(contentsOf: [0xFF, 0xFE, 0x0A])
            bytes.append(Data(repeating: 0x61, count: 1_048_576))
            bytes.append(Data("\nfind \"jane\n--help\nwhoami\n".utf8))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).sd")
            try bytes.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let output = try BuiltProduct.run("support-desk", ["--db", uri, "-f", file.path, "--on-error", "continue"])
            #expect(output.status == 1)
            let errors = output.standardError.split(separator: "\n").map { String($0.split(separator: ":", maxSplits: 1)[1]) }
            #expect(errors == [
                "2: error: the line is not valid UTF-8",
                "3: error: the line is longer than 65536 bytes",
                "4: error: the \" quote is not closed",
                "5: error: unknown command '--help' (type help for the list)",
            ])
            #expect(output.standardOutput.components(separatedBy: "Supervisor").count == 3)
        }
    }

    @Test func badUsageExitsOne() throws {
        for arguments in [["--no-such-flag"], ["--format", "xml"], ["--on-error", "maybe"], ["-c", "help", "-f", "x"]] {
            let output = try BuiltProduct.run("support-desk", arguments)
            #expect(output.status == 1, "\(arguments)")
            #expect(!output.standardError.isEmpty)
        }
        let missing = try BuiltProduct.run("support-desk", ["-f", "/nonexistent/calls.sd"])
        #expect(missing.status == 1)
        #expect(missing.standardError == "support-desk: cannot read /nonexistent/calls.sd: No such file or directory\n")
    }

    @Test func noDatabaseExitsTwo() throws {
        let output = try BuiltProduct.run("support-desk", ["--db", "postgresql:///x?host=/nonexistent"])
        #expect(output.status == 2)
        #expect(output.standardError.hasPrefix("support-desk: could not connect (--db): "))
        #expect(output.standardOutput.isEmpty, "a table run writes nothing on stdout")
    }

    /// A script reading JSON from stdout gets one `ok:false` line, not silence (issue 14).
    @Test func noDatabaseWritesOneJSONFailureLine() throws {
        let output = try BuiltProduct.run("support-desk", ["--db", "postgresql:///x?host=/nonexistent", "--format", "json", "-c", "find jane", "-c", "whoami"])
        #expect(output.status == 2)
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any]
        #expect(object?["ok"] as? Bool == false && object?["command"] as? String == "connect")
        #expect(((object?["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("could not connect: ") == true)
    }

    @Test func aDatabaseWithoutTheSchemaIsNamed() throws {
        try withTestDatabase { database in
            let output = try BuiltProduct.run("support-desk", ["--db", database.uri(), "-c", "whoami"])
            #expect(output.status == 1)
            #expect(output.standardError == "support-desk: this database has no SupportDesk support schema (run portal migrate on it)\n")
        }
    }

    @Test func aRoleThatIsNotAnAgentIsRefusedAtStart() throws {
        try withPortalFixture { fixture in
            let role = "outsider_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try fixture.connection.query("SELECT 1")
            try fixture.connection.executeScript("CREATE ROLE \(role) LOGIN")
            let output = try BuiltProduct.run("support-desk", ["--db", fixture.database.uri(user: role), "-c", "whoami"])
            #expect(output.status == 1)
            #expect(output.standardError.contains("permission denied"))
        }
    }

    @Test func timingGoesToStandardError() throws {
        try withAgent { _, uri, _ in
            let output = try BuiltProduct.run("support-desk", ["--db", uri, "--timing", "--format", "json", "-c", "whoami", "-c", "find jane"])
            #expect(output.status == 0)
            #expect(output.standardOutput.split(separator: "\n").count == 2)
            #expect(output.standardError.split(separator: "\n").allSatisfy { $0.hasPrefix("Time: ") && $0.hasSuffix(" ms") })
        }
    }

    /// 100,000 commands stream through without memory growing with them.
    @Test func aHundredThousandCommandsInConstantMemory() throws {
        try withAgent { _, uri, _ in
            func run(_ count: Int) throws -> (ProcessOutput, lines: Int, peak: Int) {
                var script = ""
                for index in 0..<count { script += index % 100 == 0 ? "whoami\n" : "help whoami\n" }
                let (output, peak) = try PeakMemory.run("support-desk", ["--db", uri, "--format", "csv"], input: script)
                return (output, output.standardOutput.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }, peak)
            }
            let small = try run(10_000)
            let large = try run(100_000)
            #expect(small.0.status == 0 && large.0.status == 0)
            #expect(small.lines == 10_002 && large.lines == 100_002, "a row each, and one header for each of the two kinds")
            #expect(large.0.standardError.isEmpty, "no progress when stderr is not a terminal")
            #expect(small.peak > 0 && large.peak < small.peak + 4_096, "10k commands: \(small.peak) kB, 100k: \(large.peak) kB")
        }
    }
}
