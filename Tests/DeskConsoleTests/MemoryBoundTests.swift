import PGClient
import Foundation
import Testing
import ProcessTesting
import TestSupport

/// Memory follows what the console must hold, not what it is given (issue 15): an anchor file
/// is read only as far as an anchor can go, and a log page of any size streams through.
@Suite struct MemoryBoundTests {
    /// A supervisor's URI on a database whose log holds `events` staged events with long reasons
    /// (about 1,000 characters, with quotes and backslashes that JSON escapes).
    func withLongLog<T>(events: Int, _ body: (String) throws -> T) throws -> T {
        try withPortalFixture { fixture in
            let uri = fixture.database.uri(user: try fixture.agentRole("sam", supervisor: true))
            try fixture.connection.query("""
                INSERT INTO portal.audit_staging (occurred_at, actor, action, target, reason, ticket)
                SELECT clock_timestamp(), 'kim', '2fa_disabled_support', 'member' || n || '@acme.example',
                       repeat(E'lost phone «ü» "quoted" \\\\ ', 40), 'SUP-' || n
                  FROM generate_series(1, $1::int) AS n
                """, [events])
            return try body(uri)
        }
    }

    @Test func aTenThousandEventPageStreamsInFlatMemory() throws {
        try withLongLog(events: 10_000) { uri in
            var peaks: [String: Int] = [:]
            for format in ["json", "table", "csv"] {
                let (small, smallPeak) = try PeakMemory.run("support-desk", ["--db", uri, "--format", format, "-c", "log --limit 100"])
                let (large, largePeak) = try PeakMemory.run("support-desk", ["--db", uri, "--format", format, "-c", "log --limit 10000"])
                #expect(small.status == 0 && large.status == 0, "\(large.standardError)")
                #expect(largePeak < smallPeak + 16_384, "\(format): 100 events \(smallPeak) kB, 10,000 events \(largePeak) kB")
                peaks[format] = largePeak
                switch format {
                case "json":
                    let lines = large.standardOutput.split(separator: "\n")
                    #expect(lines.count == 1)
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
                    #expect(object["ok"] as? Bool == true && object["count"] as? Int == 10_000)
                    let events = try #require(object["events"] as? [[String: Any]])
                    #expect(events.count == 10_000)
                    #expect(events.first?["reason"] as? String == String(repeating: "lost phone «ü» \"quoted\" \\ ", count: 40))
                    #expect(lines[0].hasPrefix(#"{"ok":true,"command":"log","count":10000,"next_before":1,"events":[{"seq":10000,"#))
                case "csv":
                    #expect(large.standardOutput.split(separator: "\n").count == 10_001)
                default:
                    let lines = large.standardOutput.split(separator: "\n")
                    // The table, its footer, and the full page's pointer to the next one.
                    #expect(lines.count == 10_004)
                    #expect(lines.dropLast().last == "(10000 events)")
                    #expect(lines.last?.hasPrefix("The page is full") == true)
                    #expect(Set(lines.dropFirst(2).dropLast(2).map { line in line.prefix { $0 != "|" }.count }).count == 1,
                            "one table, aligned as a whole")
                }
            }
        }
    }

    @Test func aHugeAnchorFileIsNotReadWhole() throws {
        try withLongLog(events: 1) { uri in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sd-huge-anchor-\(UUID())").path
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: 300 * 1024 * 1024)      // sparse: no disk is used
            try handle.close()
            let (output, peak) = try PeakMemory.run("support-desk", ["--db", uri, "-c", "log verify --anchor \(path)", "-c", "log verify --anchor /dev/zero"])
            #expect(output.status == 3)
            #expect(output.standardError == "-c:1: error: \(path) is not an anchor file\n", "\(output.standardError)")
            #expect(peak > 0 && peak < 96 * 1024, "peak \(peak) kB reading a 300 MB file")
            let zero = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log verify --anchor /dev/zero"])
            #expect(zero.standardError == "-c:1: error: /dev/zero is not an anchor file\n")
        }
    }
}
