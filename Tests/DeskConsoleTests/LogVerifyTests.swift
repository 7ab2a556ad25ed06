import DeskDatabase
import PGClient
import Foundation
import Testing
import ProcessTesting
import TestSupport

/// `log verify` through the executable: a saved anchor verifies, and tampering behind the
/// database's back is caught with the event it happened at, and a failed exit status.
@Suite struct LogVerifyTests {
    @Test func anAnchorVerifiesAndTamperingIsCaught() throws {
        try withPortalFixture { fixture in
            try fixture.setApprovalPolicy(.nobody)   // the override takes effect at once
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let uri = fixture.database.uri(user: try fixture.agentRole("sam", supervisor: true))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sd-anchor-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let anchorFile = folder.appendingPathComponent("anchor.txt").path
            try fixture.chainAuditEvents()

            let saved = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log anchor"])
            #expect(saved.status == 0)
            #expect(saved.standardOutput.hasPrefix("supportdesk-anchor v1 1 "))
            try saved.standardOutput.write(toFile: anchorFile, atomically: true, encoding: .utf8)
            _ = try BuiltProduct.run("support-desk", ["--db", uri, "-c",
                "disable-2fa \(jane.email) --override --reason 'caller verified by ID' --ticket SUP-9"])
            // The trusted chainer chains the disable; an agent's role may not.
            let refused = try BuiltProduct.run("portal", ["chain", "--once", "--db", uri])
            #expect(refused.status == 1)
            let chained = try BuiltProduct.run("portal", ["chain", "--once", "--json", "--db", fixture.database.uri()])
            #expect(chained.status == 0)
            #expect(chained.standardOutput.contains(#""chained":1"#), "\(chained.standardOutput)")

            let good = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log verify --anchor \(anchorFile)"])
            #expect(good.status == 0)
            #expect(good.standardOutput.contains("✓ The audit log verifies: 2 events recomputed here"))
            #expect(good.standardOutput.contains("✓ The saved anchor (event #1) is part of it"))

            try fixture.connection.executeScript("""
                ALTER TABLE portal.audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE portal.audit_events SET reason = 'nothing to see' WHERE seq = 2;
                """)
            let tampered = try BuiltProduct.run("support-desk", ["--db", uri, "--format", "json", "-c", "log verify"])
            #expect(tampered.status == 3)
            #expect(tampered.standardOutput == #"{"ok":false,"command":"log verify","error":{"sqlstate":null,"message":"the audit log does not verify: event 2 was altered: its hash does not match its contents"}}"# + "\n")
            #expect(tampered.standardError == "-c:1: error: the audit log does not verify: event 2 was altered: its hash does not match its contents\n")

            try "not an anchor\n".write(toFile: anchorFile, atomically: true, encoding: .utf8)
            let unreadable = try BuiltProduct.run("support-desk", ["--db", uri, "-c", "log verify --anchor \(anchorFile)"])
            #expect(unreadable.status == 3)
            #expect(unreadable.standardError.contains("not an anchor (expected: supportdesk-anchor v1 SEQ HASH)"))
        }
    }
}
