@testable import DeskConsole
import FuzzTesting
import PGClient
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

/// The console checks a disable's reason and ticket before asking for confirmation, with copies
/// of the database's rules. The database is the oracle: for any text, both say the same.
@Suite struct RulePropertyTests {
    static let reasonPieces = ["lost phone", " ", "\t", "\n", "\u{A0}", "\u{2003}", "\u{3000}", "\u{200B}", "\u{2060}", "\u{AD}",
                               "\u{E0041}", "\u{FEFF}", "\u{202E}", "\u{1B}", "\u{85}", "é", "e\u{301}", "漢", "🚀", "x", "0123456789",
                               String(repeating: "r", count: 400)]
    static let ticketPieces = ["SUP", "-", "4411", " ", "#", "_", ".", "/", ":", "a", "Z", "9", "é", "\u{FF33}", "\t", "\u{301}",
                               String(repeating: "A", count: 30)]

    /// The refusal message the database gives for `value` through `function`, or nil.
    static func databaseRefusal(_ connection: PGConnection, _ function: String, _ value: String) -> (state: String?, message: String)? {
        let result = Result { () throws(PGError) in try connection.query("SELECT portal.\(function)($1)", [value]) }
        guard case .failure(let error) = result else { return nil }
        return (error.sqlState?.rawValue, error.message)
    }

    @Test func theReasonRuleIsTheDatabases() async throws {
        try await withTestDatabaseAsync(template: .migrated) { connection in
            let minimum = try connection.query("SELECT min_reason_length FROM portal.settings").rows[0].decode(Int.self, at: 0)
            let reasons = Gen.oneOf(FuzzGen.pieces(0...14, from: Self.reasonPieces).eraseToAnySequence(), FuzzGen.hostileText(length: 0...14).eraseToAnySequence())
            await propertyCheck(count: 1500, input: reasons) { reason in
                let theirs = Self.databaseRefusal(connection, "require_reason", reason)
                let ours = ReasonRule.refusal(reason, minimum: minimum)
                #expect(ours == theirs?.message, "\(reason.unicodeScalars.map { String($0.value, radix: 16) })")
                if theirs != nil { #expect(theirs?.state == "DK007") }
            }
        }
    }

    @Test func theTicketRuleIsTheDatabases() async throws {
        try await withTestDatabaseAsync(template: .migrated) { connection in
            let tickets = Gen.oneOf(FuzzGen.pieces(0...6, from: Self.ticketPieces).eraseToAnySequence(), FuzzGen.hostileText(length: 0...6).eraseToAnySequence())
            await propertyCheck(count: 1500, input: tickets) { ticket in
                let theirs = Self.databaseRefusal(connection, "require_ticket", ticket)
                #expect(TicketRule.refusal(ticket) == theirs?.message, "\(ticket.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }
}
