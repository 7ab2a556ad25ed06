import DeskDatabase
import Foundation
import ProcessTesting
import Testing
import TestSupport

/// Both executables print a failure for scripts in one shape: `"error":{"sqlstate":…,"message":…}`,
/// the key present (null) when no database refusal is behind it.
@Suite struct ErrorShapeTests {
    @Test func theErrorObjectIsValidJSONWhateverTheMessage() throws {
        for message in ["plain", "quote \" and backslash \\", "line\nbreak\ttab\u{1B}[31m", "ünïcödé \u{2028}"] {
            for state in [nil, "DK005"] as [String?] {
                let text = ErrorReport(sqlState: state, message: message).jsonObject
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                #expect(object["message"] as? String == message)
                #expect(object.keys.contains("sqlstate"))
                #expect((object["sqlstate"] as? String) == state)
            }
        }
    }

    @Test func theConsoleAndThePortalPrintTheSameErrorObject() throws {
        try withTestDatabase(.migrated) { database in
        let console = try BuiltProduct.run("support-desk", ["--db", database.uri(), "--format", "json", "-c", "frobnicate"])
        let portal = try BuiltProduct.run("portal", ["customer", "add", "--json"])
        for output in [console, portal] {
            let line = try #require(output.standardOutput.split(separator: "\n").last.map(String.init), "\(output.standardError)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let error = try #require(object["error"] as? [String: Any], "\(line)")
            #expect(Set(error.keys) == ["sqlstate", "message"], "\(line)")
            #expect(object["ok"] as? Bool == false)
        }
        }
    }
}
