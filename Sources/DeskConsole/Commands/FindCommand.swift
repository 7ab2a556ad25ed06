import DeskDatabase
import SupportClient

extension CommandRunner {
    /// A match as scripts see it, numbered as the table shows it.
    static let matchShape = RecordShape<(row: Int, match: FoundMember)>([
        .integer("row") { Int64($0.row) },
        .integer("member_id") { $0.match.memberID },
        .text("account") { $0.match.accountNumber },
        .text("customer") { $0.match.customerName },
        .text("name") { $0.match.name },
        .text("email") { $0.match.email },
        .name("role") { $0.match.role },
        .text("phone") { $0.match.phone },
        .name("two_factor") { $0.match.twoFactor },
        .flag("mandatory") { $0.match.mandatory },
        .name("matched_on") { $0.match.matchedOn },
        .init(key: "score") { .number(($0.match.score * 1000).rounded() / 1000) },
    ])

    /// `find QUERY`: ranked matches, numbered so the next command can say `show 2`.
    func find(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        // A new search starts a new call, even one that fails: no earlier member, row or ticket
        // is carried into it.
        state.lastFind = []
        state.callMember = nil
        state.callTicket = nil
        let query = command.positionals.joined(separator: " ")
        let limit = try number(command, "limit", default: 20)
        let matches = try database { try api.find(query, limit: limit) }
        state.lastFind = matches
        // Its member is the one match, or none until a command names one.
        state.callMember = matches.count == 1 ? CallMember(id: matches[0].memberID, label: matches[0].email) : nil
        if interactive { state.remember(emails: matches.map(\.email)) }

        var report = CommandReport(command: command.name)
        report.fields.add("query", query)
        report.fields.add("count", Int64(matches.count))
        report.fields.add("matches", .records(matches.enumerated().map { Self.matchShape.record((row: $0 + 1, match: $1)) }))
        report.rowsKey = "matches"
        report.rowColumns = Self.matchShape.keys
        if matches.isEmpty {
            report.human = [.line("No member matches \(query).", .warning)]
        } else if wantsHuman {
            report.human = [.table(
                headers: ["#", "account", "customer", "name", "email", "role", "2FA", "mandatory"],
                rows: matches.enumerated().map { index, match in
                    [String(index + 1), match.accountNumber, match.customerName, match.name, match.email,
                     match.role.rawValue, match.twoFactor.rawValue, match.mandatory ? "yes" : "no"]
                },
                footer: matches.count == 1 ? "(1 match)" : "(\(matches.count) matches)")]
        }
        return report
    }
}
