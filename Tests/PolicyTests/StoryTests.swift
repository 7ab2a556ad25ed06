import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

/// The whole story through the `portal` executable, with codes from oathtool (the member's
/// "phone") and the support API as an agent's console would call it.
@Suite("The lost-phone story, end to end")
struct StoryTests {
    static let key = SecretBox.generateKeyText()

    /// Runs `portal` against the database, with the key, returning the JSON object it printed.
    static func portal(_ database: TestDatabase, _ arguments: [String], input: String = "",
                       expect status: Int32 = 0) throws -> [String: Any] {
        let output = try BuiltProduct.run("portal", arguments + ["--db", database.uri(), "--json"], input: input,
                                          environment: ["PORTAL_SECRET_KEY": key])
        #expect(output.status == status, "portal \(arguments.joined(separator: " ")): \(output.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        return try #require(object, "portal printed no JSON: \(output.standardOutput)")
    }

    /// The code the member's authenticator shows `offset` seconds from now.
    static func oathtool(_ secret: String, offset: Int = 0) throws -> String {
        let now = Int(Date().timeIntervalSince1970) + offset
        let output = try ProcessRunner.run("oathtool", ["--totp", "-b", "--now=@\(now)", secret])
        try #require(output.status == 0, "oathtool failed (scripts/install-deps installs it): \(output.standardError)")
        return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `portal 2fa setup --qr` draws the URI on the terminal; zbarimg reads the drawing back, as
    /// a phone's camera would read the screen (issue 14).
    @Test("2fa setup --qr draws a QR code of the URI that a scanner reads")
    func setupDrawsAScannableQRCode() throws {
        try withTestDatabase(.migrated) { database in
            _ = try Self.portal(database, ["customer", "add", "--account", "MS-10442", "--name", "Acme Hosting Ltd"])
            _ = try Self.portal(database, ["user", "add", "--customer", "MS-10442", "--email", "jane@acme.example",
                                           "--name", "Jane Doe"], input: "correct horse battery staple\n")
            let output = try BuiltProduct.run("portal", ["2fa", "setup", "jane@acme.example", "--qr", "--db", database.uri()],
                                              environment: ["PORTAL_SECRET_KEY": Self.key])
            #expect(output.status == 0, "\(output.standardError)")
            let lines = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let uri = try #require(lines.first { $0.hasPrefix("otpauth://") })
            let drawing = lines.filter { !$0.isEmpty && $0.allSatisfy { "█▄▀ ".contains($0) } }
            try #require(drawing.count > 10, "no drawing: \(output.standardOutput)")
            // Each character is two modules stacked: dark where the terminal shows no block.
            let scale = 8
            let width = drawing[0].count
            var pixels: [String] = []
            for line in drawing {
                for half in 0..<2 {
                    let row = line.map { character -> String in
                        let dark = half == 0 ? (character == " " || character == "▄") : (character == " " || character == "▀")
                        return String(repeating: dark ? "1 " : "0 ", count: scale)
                    }.joined()
                    pixels += Array(repeating: row, count: scale)
                }
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("setup-qr-\(UUID()).pbm")
            defer { try? FileManager.default.removeItem(at: file) }
            try ("P1\n\(width * scale) \(pixels.count)\n" + pixels.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            let scanned = try ProcessRunner.run("zbarimg", ["--quiet", "--raw", file.path])
            #expect(scanned.status == 0, "zbarimg read nothing: \(scanned.standardError)")
            #expect(scanned.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == uri)
            let plain = try BuiltProduct.run("portal", ["2fa", "setup", "jane@acme.example", "--db", database.uri()],
                                             environment: ["PORTAL_SECRET_KEY": Self.key])
            #expect(!plain.standardOutput.contains("█"), "no drawing without --qr")
        }
    }

    @Test("enrol, log in, replay refused, support verifies and disables, password alone works")
    func lostPhone() throws {
        try withTestDatabase(.migrated) { database in
            let password = "correct horse battery staple\n"
            _ = try Self.portal(database, ["customer", "add", "--account", "MS-10442", "--name", "Acme Hosting Ltd"])
            _ = try Self.portal(database, ["user", "add", "--customer", "MS-10442", "--email", "jane@acme.example",
                                           "--name", "Jane Doe", "--phone", "+44 20 7946 0958"], input: password)
            let setup = try Self.portal(database, ["2fa", "setup", "jane@acme.example"])
            let uri = try #require(setup["otpauth_uri"] as? String)
            let secret = try #require(URLComponents(string: uri)?.queryItems?.first { $0.name == "secret" }?.value)
            #expect(setup["secret"] as? String == secret)
            // A wrong first code is the portal's own refusal, under the database's contract.
            let wrongFirst = try Self.portal(database, ["2fa", "confirm", "jane@acme.example", "000000"], expect: 1)
            #expect((wrongFirst["error"] as? [String: Any])?["sqlstate"] as? String == "DK120")
            let confirmed = try Self.portal(database, ["2fa", "confirm", "jane@acme.example", try Self.oathtool(secret)])
            let codes = try #require(confirmed["recovery_codes"] as? [String])
            #expect(codes.count == 10 && codes.allSatisfy { $0.count == 19 })

            let noCode = try Self.portal(database, ["login", "jane@acme.example"], input: password, expect: 1)
            #expect(noCode["outcome"] as? String == "code_required")
            let wrongPassword = try Self.portal(database, ["login", "jane@acme.example"], input: "guess guess guess\n", expect: 1)
            #expect(wrongPassword["outcome"] as? String == "wrong_password")
            let next = try Self.oathtool(secret, offset: 30)
            let signedIn = try Self.portal(database, ["login", "jane@acme.example", "--code", next], input: password)
            #expect(signedIn["outcome"] as? String == "signed_in" && signedIn["method"] as? String == "totp")
            let replayed = try Self.portal(database, ["login", "jane@acme.example", "--code", next], input: password, expect: 1)
            #expect(replayed["outcome"] as? String == "replayed_code")

            // The phone is lost. Jane calls support and reads her fourth code aloud.
            _ = try Self.portal(database, ["agent", "add", "kim_\(database.name.suffix(10))"])
            let agent = SupportAPI(connection: try database.connect(user: "kim_\(database.name.suffix(10))"))
            defer { agent.connection.close() }
            let found = try agent.find("jane@acme.example")
            #expect(found.first?.email == "jane@acme.example" && found.first?.twoFactor == .active)
            let memberID = try #require(found.first?.memberID)
            #expect(try agent.verify(memberID: memberID, code: codes[3].lowercased()).outcome == .match)
            let event = try agent.disable(memberID: memberID, reason: "lost phone; caller read a recovery code", ticket: "SUP-4411", requestID: UUID())
            #expect(event.action.rawValue == "2fa_disabled_support")

            let passwordOnly = try Self.portal(database, ["login", "jane@acme.example"], input: password)
            #expect(passwordOnly["outcome"] as? String == "signed_in" && passwordOnly["method"] as? String == "password")
        }
    }

    @Test("mandatory 2FA: only an administrator switches it; a member without 2FA must set it up")
    func mandatory() throws {
        try withTestDatabase(.migrated) { database in
            let password = "correct horse battery staple\n"
            _ = try Self.portal(database, ["customer", "add", "--account", "NW-2001", "--name", "Northwind"])
            _ = try Self.portal(database, ["user", "add", "--customer", "NW-2001", "--email", "ada@northwind.example",
                                           "--name", "Ada", "--role", "administrator"], input: password)
            _ = try Self.portal(database, ["user", "add", "--customer", "NW-2001", "--email", "max@northwind.example",
                                           "--name", "Max"], input: password)
            let refused = try Self.portal(database, ["mandatory", "on", "--customer", "NW-2001", "--by", "max@northwind.example"], expect: 1)
            #expect((refused["error"] as? [String: Any])?["sqlstate"] as? String == "DK103")
            let before = try Self.portal(database, ["login", "max@northwind.example"], input: password)
            #expect(before["outcome"] as? String == "signed_in")
            let on = try Self.portal(database, ["mandatory", "on", "--customer", "NW-2001", "--by", "ada@northwind.example"])
            #expect(on["changed"] as? Bool == true)
            let again = try Self.portal(database, ["mandatory", "on", "--customer", "NW-2001", "--by", "ada@northwind.example"])
            #expect(again["changed"] as? Bool == false)
            let after = try Self.portal(database, ["login", "max@northwind.example"], input: password, expect: 1)
            #expect(after["outcome"] as? String == "setup_required")
            // Max sets it up and can sign in with a code.
            let setup = try Self.portal(database, ["2fa", "setup", "max@northwind.example"])
            let secret = try #require(setup["secret"] as? String)
            _ = try Self.portal(database, ["2fa", "confirm", "max@northwind.example", try Self.oathtool(secret)])
            let withCode = try Self.portal(database, ["login", "max@northwind.example", "--code", try Self.oathtool(secret, offset: 30)], input: password)
            #expect(withCode["outcome"] as? String == "signed_in")
            let off = try Self.portal(database, ["mandatory", "off", "--customer", "NW-2001", "--by", "ada@northwind.example"])
            #expect(off["changed"] as? Bool == true)
        }
    }

    @Test("self-disable and new recovery codes need a fresh code; the old codes stop working")
    func selfService() throws {
        try withTestDatabase(.migrated) { database in
            let password = "correct horse battery staple\n"
            _ = try Self.portal(database, ["customer", "add", "--account", "MS-3003", "--name", "Acme"])
            _ = try Self.portal(database, ["user", "add", "--customer", "MS-3003", "--email", "lee@acme.example", "--name", "Lee"], input: password)
            let secret = try #require(try Self.portal(database, ["2fa", "setup", "lee@acme.example"])["secret"] as? String)
            let first = try Self.oathtool(secret)
            let old = try #require(try Self.portal(database, ["2fa", "confirm", "lee@acme.example", first])["recovery_codes"] as? [String])
            let replay = try Self.portal(database, ["2fa", "recovery-codes", "lee@acme.example", "--code", first], expect: 1)
            #expect((replay["error"] as? [String: Any])?["message"] as? String == "that code was already used; wait for the next one")
            let fresh = try #require(try Self.portal(database, ["2fa", "recovery-codes", "lee@acme.example", "--code", try Self.oathtool(secret, offset: 30)])["recovery_codes"] as? [String])
            #expect(Set(fresh).isDisjoint(with: old))
            let withOld = try Self.portal(database, ["login", "lee@acme.example", "--recovery-code", old[0]], input: password, expect: 1)
            #expect(withOld["outcome"] as? String == "wrong_code")
            let withNew = try Self.portal(database, ["login", "lee@acme.example", "--recovery-code", fresh[0]], input: password)
            #expect(withNew["method"] as? String == "recovery_code")
            // Codes are good once and at most one step ahead, so the disable is Kay's.
            _ = try Self.portal(database, ["user", "add", "--customer", "MS-3003", "--email", "kay@acme.example", "--name", "Kay"], input: password)
            let kaySecret = try #require(try Self.portal(database, ["2fa", "setup", "kay@acme.example"])["secret"] as? String)
            let kayFirst = try Self.oathtool(kaySecret)
            _ = try Self.portal(database, ["2fa", "confirm", "kay@acme.example", kayFirst])
            _ = try Self.portal(database, ["2fa", "disable", "kay@acme.example", "--code", kayFirst], expect: 1)
            _ = try Self.portal(database, ["2fa", "disable", "kay@acme.example", "--code", try Self.oathtool(kaySecret, offset: 30)])
            let plain = try Self.portal(database, ["login", "kay@acme.example"], input: password)
            #expect(plain["method"] as? String == "password")
        }
    }

    @Test("refusals exit 1 with a message; a missing key is named")
    func refusals() throws {
        try withTestDatabase(.migrated) { database in
            _ = try Self.portal(database, ["customer", "add", "--account", "MS-4004", "--name", "Acme"])
            let duplicate = try Self.portal(database, ["customer", "add", "--account", "ms-4004", "--name", "Acme"], expect: 1)
            #expect((duplicate["error"] as? [String: Any])?["sqlstate"] as? String == "DK104")
            let badAccount = try Self.portal(database, ["customer", "add", "--account", "4004", "--name", "Acme"], expect: 1)
            #expect((badAccount["error"] as? [String: Any])?["sqlstate"] as? String == "DK106")
            let shortPassword = try BuiltProduct.run("portal", ["user", "add", "--db", database.uri(), "--customer", "MS-4004",
                                                                "--email", "a@b.example", "--name", "A"], input: "short\n")
            #expect(shortPassword.status == 1 && shortPassword.standardError.contains("at least 10 characters"))
            let noKey = try BuiltProduct.run("portal", ["2fa", "setup", "a@b.example", "--db", database.uri()],
                                             environment: ["PORTAL_SECRET_KEY": ""])
            #expect(noKey.status == 1 && noKey.standardError.contains("PORTAL_SECRET_KEY is not set"))
            let unknown = try Self.portal(database, ["2fa", "setup", "nobody@acme.example"], expect: 1)
            #expect((unknown["error"] as? [String: Any])?["message"] as? String == "no team member nobody@acme.example")
        }
    }
}
