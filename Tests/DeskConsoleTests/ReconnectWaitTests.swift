import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// After a lost connection the console keeps trying for `--reconnect-wait` seconds (a failover
/// takes seconds), and Ctrl-C stops the wait at once, back to the prompt; the next command tries
/// again. Needs a server of its own, stopped and started under the console.
@Suite struct ReconnectWaitTests {
    @Test func ctrlCStopsTheWaitAndTheNextCommandTriesAgain() throws {
        let directory = (ProcessInfo.processInfo.environment["SUPPORT_DESK_TEST_TMPDIR"] ?? "/tmp") + "/sd-test-\(getpid())-wait\(UInt16.random(in: 0...9999))"
        let uri = try ClusterScript.run(["start", directory, "--ephemeral"]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? ClusterScript.run(["stop", directory, "--remove"]) }
        let admin = try PGConnection(uri)
        _ = try MigrationRunner(migrations: MigrationSource.load(folder: ClusterScript.repositoryRoot + "/sql/migrations")).migrate(admin)
        try PortalAPI(connection: admin, secrets: PortalFixture.secrets).createAgent(name: "kim", supervisor: false)
        try admin.query("CHECKPOINT")       // an ephemeral server's last commits are not on disk yet; a crash would lose kim
        admin.close()

        let home = NSTemporaryDirectory() + "sd-home-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), ["--reconnect-wait", "60"], environment: [
            "HOME": home, "TERM": "xterm", "NO_COLOR": "1", "PAGER": "",
            "DATABASE_URL": uri.replacingOccurrences(of: "user=postgres", with: "user=kim"),
        ])
        try terminal.expect("support-desk> ")
        _ = try ClusterScript.run(["stop", directory, "--immediate"])
        terminal.type("whoami\r")
        try terminal.expect("Lost the connection to the server")
        try terminal.expect("Reconnecting (trying for up to 60 s; Ctrl-C stops waiting)…")
        let pressed = Date()
        terminal.type("\u{03}", atPrompt: false)
        try terminal.expect("Stopped waiting for the server; will try again before the next command", timeout: 5)
        try terminal.expect("support-desk> ", timeout: 5)
        #expect(Date().timeIntervalSince(pressed) < 3, "Ctrl-C ends the wait at once, not after 60 s")

        _ = try ClusterScript.run(["start", directory, "--ephemeral"])
        terminal.type("whoami\r")
        try terminal.expect("Reconnected to postgres")
        try terminal.expect("Agent")
        terminal.type("quit\r")
        #expect(try terminal.wait() == 0)
    }
}
