import Foundation
import PGClient
import DeskDatabase
import SupportClient
import Testing
import TestSupport
import TOTPCore

/// Tickets have the shape the desk sets (issue 14): the old rule took `SUP-`, `S-1`, `SUP4411`.
@Suite("The desk's ticket shape")
struct TicketShapeTests {
    @Test("only tickets of the desk's pattern pass, read in upper case; the refusal shows the example and pattern")
    func defaultPattern() throws {
        try withPortalFixture { fixture in
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            let reason = "caller lost phone, code verified"
            for bad in ["SUP-", "S-1", "SUP4411", "SUP-12a", "SUP -1", "", "  ", "SUP-1\n"] {
                #expect(refusal { try kim.checkDisableWords(reason: reason, ticket: bad) } == .ticketRequired, "\(bad.debugDescription)")
            }
            for good in ["SUP-1", "sup-2", " SUP-4411 "] {
                #expect(refusal { try kim.checkDisableWords(reason: reason, ticket: good) } == nil, "\(good.debugDescription)")
            }
            do {
                try kim.checkDisableWords(reason: reason, ticket: "S-1")
                Issue.record("S-1 passed")
            } catch let error as PGError {
                #expect(error.message.contains("like SUP-4411") && error.message.contains("^SUP-[0-9]+$"))
            }
            let policy = try kim.policy()
            #expect(policy.ticketPattern == "^SUP-[0-9]+$" && policy.ticketExample == "SUP-4411")
            // Stored in upper case.
            try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            _ = try kim.verify(memberID: jane.memberID, code: jane.recoveryCodes[0].grouped)
            let event = try kim.disable(memberID: jane.memberID, reason: reason, ticket: "sup-77", requestID: UUID())
            #expect(event.ticket == "SUP-77")
        }
    }

    @Test("a desk sets its own pattern; an invalid pattern or an example that does not fit it is refused")
    func deskPattern() throws {
        try withPortalFixture { fixture in
            let kim = try fixture.agent("kim")
            defer { kim.connection.close() }
            try fixture.connection.executeScript("UPDATE portal.settings SET ticket_pattern = '^(INC|SUP)[0-9]{6}$', ticket_example = 'INC004411'")
            #expect(refusal { try kim.checkDisableWords(reason: "caller lost phone, verified", ticket: "inc123456") } == nil)
            #expect(refusal { try kim.checkDisableWords(reason: "caller lost phone, verified", ticket: "SUP-1") } == .ticketRequired)
            #expect(throws: PGError.self) { try fixture.connection.executeScript("UPDATE portal.settings SET ticket_pattern = '^(SUP'") }
            #expect(throws: PGError.self) { try fixture.connection.executeScript("UPDATE portal.settings SET ticket_example = 'SUP-1'") }
            // Whatever a desk allows, control characters and spaces never pass.
            try fixture.connection.executeScript("UPDATE portal.settings SET ticket_pattern = '.*', ticket_example = 'ANY'")
            #expect(refusal { try kim.checkDisableWords(reason: "caller lost phone, verified", ticket: "A\u{1B}[2J") } == .ticketRequired)
            #expect(refusal { try kim.checkDisableWords(reason: "caller lost phone, verified", ticket: "A B") } == .ticketRequired)
        }
    }
}
