import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `find QUERY`: ranked matches, numbered so the next command can say `show 2`.
    func find(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let query = command.positionals.joined(separator: " ")
        let limit = try number(command, "limit", default: 20)
        let matches = try database { try api.find(query, limit: limit) }
        state.lastFind = matches
        if interactive { state.remember(emails: matches.map(\.email)) }

        var report = CommandReport(command: command.name)
        report.fields.add("query", query)
        report.fields.add("count", Int64(matches.count))
        report.fields.add("matches", .records(matches.enumerated().map { index, match in
            var record = ReportRecord(capacity: 12)
            record.add("row", Int64(index + 1))
            record.add("member_id", match.memberID)
            record.add("account", match.accountNumber)
            record.add("customer", match.customerName)
            record.add("name", match.name)
            record.add("email", match.email)
            record.add("role", match.role)
            record.add("phone", match.phone)
            record.add("two_factor", match.twoFactor.rawValue)
            record.add("mandatory", match.mandatory)
            record.add("matched_on", match.matchedOn)
            record.add("score", .number((match.score * 1000).rounded() / 1000))
            return record
        }))
        report.rowsKey = "matches"
        report.rowColumns = ["row", "member_id", "account", "customer", "name", "email", "role", "phone",
                             "two_factor", "mandatory", "matched_on", "score"]
        if matches.isEmpty {
            report.human = [.line("No member matches \(safe(query)).", .warning)]
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
