import FuzzTesting
import Foundation
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

/// `portal --json` always answers on stdout with one JSON object (issue 15): argument errors and
/// a missing or malformed PORTAL_SECRET_KEY included, in the console's error shape
/// (`"sqlstate": null` when there is none).
@Suite struct PortalJSONFailureTests {
    /// The one object on stdout, or a failed expectation saying what was there instead.
    static func object(_ output: ProcessOutput) throws -> [String: Any] {
        let lines = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line on stdout: \(output.standardOutput)")
        return try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], "\(output.standardOutput)")
    }

    static func error(_ output: ProcessOutput) throws -> (sqlState: Any?, message: String) {
        let object = try object(output)
        #expect(object["ok"] as? Bool == false)
        let error = try #require(object["error"] as? [String: Any])
        #expect(error.keys.sorted() == ["message", "sqlstate"])
        return (error["sqlstate"], try #require(error["message"] as? String))
    }

    @Test func argumentErrorsAndKeyProblemsAreJSON() throws {
        try withTestDatabase(.migrated) { database in
            let db = ["--db", database.uri()]
            let cases: [(arguments: [String], key: String, says: String)] = [
                (["customer", "add", "--account", "MS-10442", "--json"] + db, "", "--name"),
                (["--json", "no-such-command"], "", "--json"),
                (["no-such-command", "--json"], "", "Unknown"),
                (["user", "add", "--json", "--customer"], "", "--customer"),
                (["chain", "--json", "--interval", "0"] + db, "", "--interval"),
                (["2fa", "setup", "jane@acme.example", "--json"] + db, "", "PORTAL_SECRET_KEY is not set"),
                (["2fa", "setup", "jane@acme.example", "--json"] + db, "not-a-key", "PORTAL_SECRET_KEY must be 32 bytes"),
                (["seed", "--demo", "--json"] + db, "c2hvcnQ=", "PORTAL_SECRET_KEY must be 32 bytes"),
            ]
            for (arguments, key, says) in cases {
                let output = try BuiltProduct.run("portal", arguments, environment: ["PORTAL_SECRET_KEY": key])
                #expect(output.status == 1, "\(arguments)")
                let (sqlState, message) = try Self.error(output)
                #expect(sqlState is NSNull, "\(arguments): sqlstate is null, not left out")
                #expect(message.contains(says), "\(arguments): \(message)")
                #expect(!output.standardError.isEmpty, "the message goes to stderr too")
            }
            let refused = try BuiltProduct.run("portal", ["customer", "add", "--account", "nope", "--name", "X", "--json"] + db)
            #expect(refused.status == 1)
            #expect(try Self.error(refused).sqlState as? String == "DK106")
            let help = try BuiltProduct.run("portal", ["customer", "add", "--help", "--json"])
            #expect(help.status == 0 && help.standardOutput.contains("USAGE"), "help is asked for, not an error")
        }
    }

    /// Random argument lists with --json: every run ends with one JSON object and a documented status.
    @Test func anyArgumentsWithJSONGiveOneObject() async throws {
        let database = try PostgresCluster.shared().createDatabase(from: .migrated)
        defer { try? database.drop() }
        let words = ["customer", "add", "user", "2fa", "setup", "confirm", "disable", "login", "mandatory", "on", "off", "agent",
                     "limit", "status", "chain", "--once", "--account", "--name", "--customer", "--email", "--role", "--phone",
                     "--code", "--recovery-code", "-", "--by", "--supervisor", "--connection-limit", "--interval", "MS-10442",
                     "jane@acme.example", "0", "-1", "99999999999999999999", "--", "--db", "postgresql:///nowhere?host=/nonexistent"]
        let arguments = Gen<String?>.element(of: words).map { $0 ?? "" }.array(of: 0...6)
        await propertyCheck(count: 150, input: arguments, FuzzGen.hostileText(length: 0...4), Gen.bool) { words, text, withKey in
            let list = ["--json"] + words + (text.isEmpty ? [] : [text])
            let output = try BuiltProduct.run("portal", list + ["--db", database.uri()],
                                              environment: ["PORTAL_SECRET_KEY": withKey ? String(repeating: "ab", count: 32) : ""])
            #expect([0, 1, 2].contains(output.status), "\(list): \(output.status)")
            // Help is asked for, not a failure: ArgumentParser also reads a word like `-1--anchor`
            // as short flags, among them -h.
            let isHelp = output.status == 0 && output.standardOutput.contains("USAGE:")
            if !isHelp {
                let object = try Self.object(output)
                #expect(object["ok"] is Bool, "\(list)")
            }
        }
    }
}
