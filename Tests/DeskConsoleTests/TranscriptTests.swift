import Foundation
import Testing
import ProcessTesting
import TestSupport

/// Every command in every format, run through the engine against a real database and compared
/// with the transcripts in `Transcripts/`. `UPDATE_TRANSCRIPTS=1` rewrites them from what comes
/// out (then read the diff before committing it).
@Suite struct TranscriptTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".transcript") }.sorted()
    }()

    @Test func thereAreTranscripts() {
        #expect(Self.names.count >= 10)
    }

    @Test(arguments: names)
    func transcript(_ name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        let expected = try String(contentsOf: url, encoding: .utf8)
        let actual = try withPortalFixture { fixture in
            try TranscriptRunner(world: TranscriptWorld(fixture)).run(expected)
        }
        if ProcessInfo.processInfo.environment["UPDATE_TRANSCRIPTS"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        if actual != expected {
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<max(want.count, got.count)).first { $0 >= want.count || $0 >= got.count || want[$0] != got[$0] } ?? 0
            let shown = { (lines: [Substring]) in line < lines.count ? String(lines[line]) : "(end)" }
            Issue.record("\(name) differs at line \(line + 1):\n  expected: \(shown(want))\n  actual:   \(shown(got))\n--- actual ---\n\(actual)")
        }
    }
}
