import Foundation
import SupportClient

/// The member of the call in progress, as a command that leaves out USER means them.
struct CallMember: Sendable, Equatable {
    let id: Int64
    /// What messages call them (an email, or `#ID` as typed).
    let label: String
}

/// The ticket of the call in progress: the one a disable went out with, offered again (ready on
/// the line, Enter takes it) at the next ticket question about the same member, and only then:
/// another member, or a new `find`, is another call, and a ticket typed but never used (a y/N
/// answered no, a refusal) is not remembered at all.
struct CallTicket: Sendable, Equatable {
    /// As the database accepted it (upper case).
    let ticket: String
    /// The member the call is about.
    let memberID: Int64
}

extension CommandRunner {
    /// The disable's reason: `--reason`, or asked for with the desk's common reasons listed. A
    /// number picks one of them (`portal.settings.common_reasons`), anything else is the reason
    /// in words; either way the database's reason rule judges it at the disable.
    func disableReason(_ command: ParsedCommand) throws(ConsoleFailure) -> String {
        if let given = command.option("reason") { return try givenReason(given) }
        guard interactive else { return try required(command, "reason", asking: "") }
        // The list as the desk holds it now, not as it was when the console connected.
        let reasons = try database { try api.commonReasons() }
        if !reasons.isEmpty {
            say([.line("Common reasons (type the number, or the reason in words):", .heading)]
                + reasons.enumerated().map { .line("  \($0.offset + 1)  \($0.element)", .plain) })
        }
        guard let answer = ask(reasons.isEmpty ? "Reason (why, in words): " : "Reason (1–\(reasons.count), or why in words): ") else {
            throw ConsoleFailure.cancelledQuestion
        }
        // Judged at once, so a reason that will be refused is said before the ticket is asked for.
        return try database { try api.checkDisableReason(try Self.reason(answer, from: reasons)) }
    }

    /// `--reason`: a number is the desk's reason of that number, read as the desk holds the list
    /// now; words are taken as they are, without asking for the list.
    func givenReason(_ given: String) throws(ConsoleFailure) -> String {
        guard Self.isNumber(given) else { return given }
        return try Self.reason(given, from: try database { try api.commonReasons() })
    }

    /// Whether the text is a number (a pick from the list), not words.
    static func isNumber(_ typed: String) -> Bool {
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && trimmed.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A typed number as the desk's reason of that number; any other text as it is.
    static func reason(_ typed: String, from reasons: [String]) throws(ConsoleFailure) -> String {
        guard isNumber(typed) else { return typed }
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        guard let number = Int(trimmed), number >= 1, number <= reasons.count else {
            throw .usage(reasons.isEmpty
                ? "this desk lists no common reasons to pick by number: give the reason in words"
                : "there is no common reason \(trimmed): pick 1 to \(reasons.count) (help disable-2fa lists them), or give the reason in words")
        }
        return reasons[number - 1]
    }

    /// The disable's ticket: `--ticket`, or asked for with the call's ticket ready on the line
    /// when it was used for this member already (Enter takes it), else the start of the desk's
    /// example (`SUP-`), so the agent types the number only.
    func disableTicket(_ command: ParsedCommand, memberID: Int64) throws(ConsoleFailure) -> String {
        if let given = command.option("ticket") { return given }
        guard interactive else { return try required(command, "ticket", asking: "") }
        let ready: String
        if let call = state.callTicket, call.memberID == memberID {
            ready = call.ticket
        } else {
            ready = Self.ticketPrefix(of: state.policy?.ticketExample ?? "")
        }
        guard let answer = askReady("Ticket reference: ", ready) else { throw ConsoleFailure.cancelledQuestion }
        return answer
    }

    /// The desk's example without its trailing digits (`SUP-4411` → `SUP-`): the part every
    /// ticket of the desk is likely to share. Only typing help: the database judges the ticket.
    static func ticketPrefix(of example: String) -> String {
        String(example.reversed().drop(while: { $0.isASCII && $0.isNumber }).reversed())
    }
}
