import TOTPCore
import DeskDatabase
import DeskConsole
import Foundation
import PGClient
import ProcessTesting
import TestSupport

/// Runs a transcript file through the console engine against a real database and returns the
/// transcript as it came out, normalised (times, ids, role names) for comparison.
///
/// A transcript is lines of: `# comment`, `@as agent|supervisor|second` (a second supervisor), `@format table|json|csv`,
/// `@interactive` / `@batch`, `@approval nobody|overrides|administrators|everyone` (the dual-control
/// policy from then on), `@working-hours always` (each directive starts a fresh session), `> command`, `< answer`
/// to a question the command asks, then the expected output: plain lines for stdout, `! ` for
/// stderr, `? ` for a question asked, `= N` for a non-zero exit status.
struct TranscriptRunner {
    let world: TranscriptWorld

    func run(_ transcript: String) throws -> String {
        var out: [String] = []
        var role = world.agent
        var format = OutputFormat.table
        var interactive = false
        var session: ConsoleSession?
        var connection: PGConnection?
        defer { connection?.close() }
        let lines = transcript.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        var lineNumber = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.hasPrefix("#") || line.isEmpty {
                out.append(line)
            } else if line.hasPrefix("@") {
                out.append(line)
                let words = line.dropFirst().split(separator: " ").map(String.init)
                switch words.first {
                case "as": role = words.last == "supervisor" ? world.supervisor : words.last == "second" ? world.secondSupervisor : world.agent
                case "format": format = OutputFormat(rawValue: words.last ?? "") ?? .table
                case "interactive": interactive = true
                case "batch": interactive = false
                case "working-hours":   // `always`: no item is after hours, whenever the test runs
                    try world.fixture.connection.query("UPDATE portal.settings SET working_days = '{1,2,3,4,5,6,7}', working_hours_start = '00:00', working_hours_end = '23:59:59.999999'")
                case "approval":
                    guard let policy = ApprovalPolicy(rawValue: words.last ?? "") else { out.append("! unknown policy"); break }
                    try world.fixture.setApprovalPolicy(policy)
                default: out.append("! unknown directive")
                }
                session = nil
            } else if line.hasPrefix("> ") {
                out.append(line)
                var answers: [String] = []
                while index < lines.count, lines[index] == "<" || lines[index].hasPrefix("< ") {
                    out.append(lines[index])
                    answers.append(String(lines[index].dropFirst(2)))
                    index += 1
                }
                while index < lines.count, !lines[index].isEmpty, !lines[index].hasPrefix("> "), !lines[index].hasPrefix("@"), !lines[index].hasPrefix("#") {
                    index += 1     // the expected output, replaced by what comes out now
                }
                if session == nil {
                    connection?.close()
                    let opened = try world.fixture.database.connect(user: role)
                    connection = opened
                    let settings = ConsoleSettings(
                        interactive: interactive, format: format, onError: .stop, sourceName: "script.sd",
                        colour: false, times: TimeText(timeZone: TimeZone(identifier: "UTC")!))
                    let fresh = ConsoleSession(link: DatabaseLink(connection: opened), settings: settings)
                    try fresh.start()
                    session = fresh
                    lineNumber = 0
                }
                lineNumber += 1
                // As the running chainer would: what earlier commands staged is in the chain now.
                try world.fixture.chainAuditEvents()
                session!.firstLineNumber = lineNumber
                let recorder = Recorder()
                var source = RecordingSource(lines: [world.expand(String(line.dropFirst(2)))] + answers.map(world.expand), recorder: recorder)
                var output = RecordingOutput(recorder: recorder)
                let status = session!.run(&source, &output)
                out += recorder.lines.map(normalise)
                if status != .success { out.append("= \(status.rawValue)") }
            } else {
                out.append("! stray line: \(line)")
            }
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// Replaces what changes from run to run: times, uuids, hashes and unique role names.
    func normalise(_ line: String) -> String {
        var text = line
            .replacingOccurrences(of: world.supervisor, with: "{supervisor}")
            .replacingOccurrences(of: world.secondSupervisor, with: "{second}")
            .replacingOccurrences(of: world.agent, with: "{agent}")
            .replacingOccurrences(of: world.fixture.database.name, with: "{database}")
        for (name, member) in world.enrolled {
            for (index, code) in member.recoveryCodes.enumerated() {
                text = text.replacingOccurrences(of: code.grouped, with: "{\(name).code\(index + 1)}")
            }
        }
        let patterns: [(String, String)] = [
            (#"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?( UTC|Z)?"#, "<time>"),
            (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "<uuid>"),
            (#"[0-9a-f]{64}"#, "<hash>"),
            (#"[0-9a-f]{16}…"#, "<hash>…"),
            (#"\(in \d+ (minutes?|seconds?)\)"#, "(in <minutes>)"),
        ]
        for (pattern, replacement) in patterns {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }
}

/// Everything a command wrote or asked, in order.
final class Recorder {
    var lines: [String] = []
}

/// Serves one command and the answers to its questions, recording each question.
struct RecordingSource: LineSource {
    var lines: [String]
    let recorder: Recorder

    mutating func nextLine(prompt: String) -> InputLine? {
        lines.isEmpty ? nil : .text(lines.removeFirst())
    }

    mutating func ask(_ question: String) -> String? {
        recorder.lines.append("? " + question)
        return lines.isEmpty ? nil : lines.removeFirst()
    }
}

/// Records stdout lines as they are and stderr lines with `! `.
struct RecordingOutput: ConsoleOutput {
    let recorder: Recorder
    var partial = ""
    mutating func write(_ line: String) {
        recorder.lines.append(partial + line)
        partial = ""
    }
    mutating func writePart(_ text: String) { partial += text }
    mutating func writeError(_ line: String) { recorder.lines.append("! " + line) }
}
