import Foundation
import PGClient
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// Signed anchors: a key made by the console (0600, never overwritten), a head signed with it,
/// and `log verify --public-key` refusing an anchor that is altered, forged with another key,
/// or not signed at all: whoever can write the database cannot make one that passes.
@Suite struct SignedAnchorTests {
    func withSupervisor<T>(_ body: (PortalFixture, String, String) throws -> T) throws -> T {
        try withPortalFixture { fixture in
            try fixture.customer()
            _ = try fixture.enrolledMember("jane@acme.example")
            try fixture.chainAuditEvents()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sd-signed-\(UUID())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            return try body(fixture, fixture.database.uri(user: try fixture.agentRole("sam", supervisor: true)), folder)
        }
    }

    func desk(_ uri: String, _ command: String) throws -> ProcessOutput {
        try BuiltProduct.run("support-desk", ["--db", uri, "-c", command])
    }

    @Test func aSignedAnchorVerifiesAndForgeriesAreRefused() throws {
        try withSupervisor { fixture, uri, folder in
            let key = folder + "/anchor.key", other = folder + "/other.key"
            let made = try desk(uri, "log anchor --new-key \(key)")
            #expect(made.status == 0, "\(made.standardError)")
            #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
            #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix("supportdesk-signing-key v1 "))
            #expect(try String(contentsOfFile: key + ".pub", encoding: .utf8).hasPrefix("supportdesk-public-key v1 "))
            let again = try desk(uri, "log anchor --new-key \(key)")
            #expect(again.status == 3)
            #expect(again.standardError.contains("exists: a key file is never overwritten"))
            #expect(try desk(uri, "log anchor --new-key \(other)").status == 0)

            let signed = try desk(uri, "log anchor --sign \(key)")
            #expect(signed.status == 0, "\(signed.standardError)")
            let lines = signed.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("supportdesk-anchor v1 1 "))
            #expect(lines[1].hasPrefix("supportdesk-anchor-signature v1 ed25519 "))
            let anchor = folder + "/anchor.txt"
            try signed.standardOutput.write(toFile: anchor, atomically: true, encoding: .utf8)

            let good = try desk(uri, "log verify --anchor \(anchor) --public-key \(key).pub")
            #expect(good.status == 0, "\(good.standardError)")
            #expect(good.standardOutput.contains("✓ The anchor is signed by the key given"))

            // Altered: another head written over the signed line, signature kept.
            let forgedHead = "supportdesk-anchor v1 1 " + String(repeating: "ab", count: 32)
            try (forgedHead + "\n" + lines[1] + "\n").write(toFile: anchor, atomically: true, encoding: .utf8)
            let altered = try desk(uri, "log verify --anchor \(anchor) --public-key \(key).pub")
            #expect(altered.status == 3)
            #expect(altered.standardError.contains("the anchor's signature does not match it"), "\(altered.standardError)")

            // Forged: a well-signed anchor, by a key that is not the trusted one.
            let forged = try desk(uri, "log anchor --sign \(other)")
            try forged.standardOutput.write(toFile: anchor, atomically: true, encoding: .utf8)
            let wrongKey = try desk(uri, "log verify --anchor \(anchor) --public-key \(key).pub")
            #expect(wrongKey.status == 3)
            #expect(wrongKey.standardError.contains("signed by another key"))
            // Without --public-key it verifies, but says the key is not checked.
            let untrusted = try desk(uri, "log verify --anchor \(anchor)")
            #expect(untrusted.status == 0)
            #expect(untrusted.standardOutput.contains("give --public-key to check that it is the key you trust"))

            // Unsigned, with a key demanded.
            try (lines[0] + "\n").write(toFile: anchor, atomically: true, encoding: .utf8)
            let unsigned = try desk(uri, "log verify --anchor \(anchor) --public-key \(key)")
            #expect(unsigned.status == 3)
            #expect(unsigned.standardError.contains("the anchor is not signed"))

            // A signing key others may read is refused.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
            let loose = try desk(uri, "log anchor --sign \(key)")
            #expect(loose.status == 3)
            #expect(loose.standardError.contains("may be read by others"))
        }
    }

    @Test func aHeadThatDoesNotVerifyIsNotSigned() throws {
        try withSupervisor { fixture, uri, folder in
            let key = folder + "/anchor.key"
            #expect(try desk(uri, "log anchor --new-key \(key)").status == 0)
            try fixture.connection.executeScript("""
                ALTER TABLE portal.audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE portal.audit_events SET actor = 'mallory' WHERE seq = 1;
                """)
            let refused = try desk(uri, "log anchor --sign \(key)")
            #expect(refused.status == 3)
            #expect(refused.standardError.contains("the head is not signed: the audit log does not verify: event 1 was altered"))
        }
    }

    /// The format itself: a signature covers the anchor line exactly.
    @Test func signaturesCoverTheLineExactly() throws {
        let key = AnchorSigningKey()
        let anchor = AuditAnchor(seq: 42, hash: Array(repeating: 7, count: 32))
        let signed = try key.sign(anchor)
        let read = try SignedAuditAnchor(text: signed.description + "\n")
        #expect(read == signed)
        #expect(try read.checkSignature(trusting: key.publicKey) == key.publicKey)
        let moved = SignedAuditAnchor(anchor: AuditAnchor(seq: 43, hash: anchor.hash), signature: signed.signature)
        #expect(throws: AnchorSignatureProblem.badSignature) { try moved.checkSignature(trusting: nil) }
        #expect(throws: AnchorSignatureProblem.wrongKey) { try read.checkSignature(trusting: AnchorSigningKey().publicKey) }
        #expect(try AnchorPublicKey(text: key.text) == key.publicKey)
        #expect(throws: AnchorSignatureProblem.self) { try SignedAuditAnchor(text: signed.description + "\nextra line\n") }
        #expect(throws: AnchorSignatureProblem.self) { try AnchorSigningKey(text: "supportdesk-signing-key v1 AAAA") }
    }
}
