import DeskConsole
import PortalStore
import Testing

@Suite struct ConsoleSessionTests {
    func run(_ lines: [String], interactive: Bool) -> (ConsoleExitStatus, CapturedOutput) {
        var source = ScriptLines(lines)
        var output = CapturedOutput()
        let status = ConsoleSession(interactive: interactive, sourceName: "script.sd").run(&source, &output)
        return (status, output)
    }

    @Test func helpListsTheCommands() {
        let (status, output) = run(["help"], interactive: false)
        #expect(status == .success)
        #expect(output.lines.contains { $0.contains("quit") })
        #expect(output.errors.isEmpty)
    }

    @Test func batchStopsAtTheFirstFailureWithItsLine() {
        let (status, output) = run(["help", "", "  find bob", "help"], interactive: false)
        #expect(status == .stoppedAtError)
        #expect(output.errors == ["script.sd:3: error: unknown command 'find' (type help for the list)"])
        #expect(output.lines.filter { $0.contains("quit") }.count == 1)
    }

    @Test func interactiveKeepsGoingAfterAMistake() {
        let (status, output) = run(["bogus", "help", "quit", "help"], interactive: true)
        #expect(status == .success)
        #expect(output.errors == ["error: unknown command 'bogus' (type help for the list)"])
        #expect(output.lines.filter { $0.contains("quit") }.count == 1)
    }

    @Test func unknownCommandsAreEscapedInErrors() {
        let (_, output) = run(["\u{1B}[31mred"], interactive: false)
        #expect(output.errors == ["script.sd:1: error: unknown command '\\x1B[31mred' (type help for the list)"])
    }

    @Test func bannerEscapesServerText() {
        let summary = ServerSummary(database: "d\u{1B}[2Jb", sessionUser: "kim", serverVersion: "15.18", host: "/tmp/s", port: "5432", inRecovery: true)
        let banner = Banner.render(summary)
        #expect(banner.hasPrefix("support-desk — connected to d\\x1B[2Jb as kim (PostgreSQL 15.18, /tmp/s:5432)"))
        #expect(banner.contains("read-only standby"))
    }
}
