import Foundation
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing

@Suite("Secret box and password hashes")
struct SecurityPrimitiveTests {
    @Test("a sealed secret opens only with the same key and the same member")
    func secretBox() throws {
        let key = SecretBox.generateKeyText()
        let box = try SecretBox(keyText: key)
        let secret: [UInt8] = Array("12345678901234567890".utf8)
        let sealed = try box.seal(secret, memberID: 7)
        #expect(sealed.count == 12 + secret.count + 16)
        #expect(!sealed.contains(sequence: secret) || secret.isEmpty)
        #expect(try box.open(sealed, fingerprint: box.fingerprint, memberID: 7) == secret)
        #expect(throws: SecretBoxError.cannotOpen) { try box.open(sealed, fingerprint: box.fingerprint, memberID: 8) }
        var damaged = sealed
        damaged[20] ^= 1
        #expect(throws: SecretBoxError.cannotOpen) { try box.open(damaged, fingerprint: box.fingerprint, memberID: 7) }
        let other = try SecretBox(keyText: SecretBox.generateKeyText())
        #expect(throws: SecretBoxError.wrongKey) { try other.open(sealed, fingerprint: box.fingerprint, memberID: 7) }
        let hex = try SecretBox(keyText: String(repeating: "ab", count: 32))
        #expect(hex.fingerprint.count == 8)
        for bad in ["", "not base64!", Data(repeating: 1, count: 16).base64EncodedString(), String(repeating: "zz", count: 32)] {
            #expect(throws: SecretBoxError.malformedKey) { try SecretBox(keyText: bad) }
        }
        #expect(throws: SecretBoxError.missingKey) { try SecretBox.fromEnvironment([:]) }
        #expect(try SecretBox.fromEnvironment(["PORTAL_SECRET_KEY": key]).fingerprint == box.fingerprint)
    }

    @Test("password hashes are salted scrypt and check only the right password")
    func passwords() throws {
        let hash = try PasswordHash.make(password: "correct horse battery", logN: 10)
        #expect(hash.encoded.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(hash.matches("correct horse battery"))
        #expect(!hash.matches("correct horse batterY"))
        #expect(!hash.matches(""))
        #expect(try PasswordHash.make(password: "correct horse battery", logN: 10) != hash, "a fresh salt each time")
        #expect(throws: PasswordError.tooShort) { try PasswordHash.make(password: "short") }
        #expect(throws: PasswordError.tooLong) { try PasswordHash.validate(String(repeating: "x", count: 1025)) }
        for bad in ["", "$scrypt$", "$bcrypt$ln=10,r=8,p=1$AAAA$AAAA", "$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA=="] {
            #expect(throws: PasswordError.malformedHash) { try PasswordHash(encoded: bad) }
        }
        // A known vector: the hash string made today must keep verifying tomorrow.
        let stored = try PasswordHash(encoded: hash.encoded)
        #expect(stored.matches("correct horse battery"))
    }
}

extension Array where Element: Equatable {
    fileprivate func contains(sequence: [Element]) -> Bool {
        guard sequence.count <= count else { return false }
        return (0...(count - sequence.count)).contains { Array(self[$0..<$0 + sequence.count]) == sequence }
    }
}
