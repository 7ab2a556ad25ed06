import DeskDatabase
import FuzzTesting
import Foundation
import Testing
import ProcessTesting
import TestSupport

/// 100,000 generated lines through the executable, as a script would send them (issue 15):
/// the fuzz corpus first, then random commands, flags, quotes, combining marks, controls and
/// scalars, some of which reach the database as a supervisor. The oracles: no signal, an exit
/// status the README lists, one JSON line per command and every line parses, no raw control or
/// invisible character in table output, and peak memory bounded. The seed is printed on failure
/// and can be replayed with SUPPORT_DESK_FUZZ_SEED.
@Suite struct FuzzBatchTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["SUPPORT_DESK_FUZZ_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 0...UInt64.max)

    func withSupervisor<T>(_ body: (String) throws -> T) throws -> T {
        try withPortalFixture { fixture in
            try fixture.customer()
            _ = try fixture.enrolledMember("jane@acme.example", role: .administrator)
            // Jane is an administrator; this is not a test of the second channel (SecondChannelTests).
            try fixture.setSecondChannel(.nobody)
            try fixture.member("john@acme.example", name: "John Smith")
            return try body(fixture.database.uri(user: try fixture.agentRole("sam", supervisor: true)))
        }
    }

    static func script(count: Int, seed: UInt64) -> String {
        var script = ""
        for line in FuzzLines(count: count, seed: seed) { script += line + "\n" }
        return script
    }

    @Test func aHundredThousandLinesInJSON() throws {
        let seed = Self.seed
        try withSupervisor { uri in
            let count = 100_000
            let (output, peak) = try PeakMemory.run("support-desk", ["--db", uri, "--format", "json", "--on-error", "continue"],
                                                    input: Self.script(count: count, seed: seed))
            #expect([0, 1, 2, 3].contains(output.status), "seed \(seed): exit \(output.status)")
            #expect(peak > 0 && peak < 128 * 1024, "seed \(seed): peak \(peak) kB")
            var lines = 0
            var unparsed: [Substring] = []
            for line in output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                lines += 1
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      object["ok"] is Bool, object["command"] is String else {
                    if unparsed.count < 3 { unparsed.append(line) }
                    continue
                }
            }
            #expect(lines == count, "seed \(seed): \(lines) JSON lines for \(count) commands")
            #expect(unparsed.isEmpty, "seed \(seed): \(unparsed)")
            #expect(output.standardOutput.hasSuffix("\n"))
        }
    }

    @Test func tableOutputHoldsNoRawControlOrInvisibleCharacter() throws {
        let seed = Self.seed &+ 1
        try withSupervisor { uri in
            let output = try BuiltProduct.run("support-desk", ["--db", uri, "--on-error", "continue"],
                                              input: Self.script(count: 20_000, seed: seed))
            #expect([0, 1, 2, 3].contains(output.status), "seed \(seed): exit \(output.status)")
            var offending: [String] = []
            for line in output.standardOutput.split(separator: "\n") where offending.count < 3 {
                let bad = line.unicodeScalars.contains { scalar in
                    switch scalar.properties.generalCategory {
                    case .control, .format, .lineSeparator, .paragraphSeparator: true
                    default: false
                    }
                }
                if bad { offending.append(String(line).debugDescription) }
            }
            #expect(offending.isEmpty, "seed \(seed): \(offending)")
            #expect(!output.standardError.unicodeScalars.contains("\u{1B}"), "seed \(seed): no escape reaches stderr either")
        }
    }
}
