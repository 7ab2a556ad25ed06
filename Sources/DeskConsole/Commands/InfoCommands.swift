import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `whoami`: the login role as the database sees it, which is what the audit log records.
    func whoami(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let identity = try database { try api.whoami() }
        var report = CommandReport(command: command.name)
        report.fields.add("agent", identity.agent)
        report.fields.add("supervisor", identity.isSupervisor)
        report.fields.add("locked_until", identity.lockedUntil)
        report.fields.add("database", link.connection.database)
        report.human = [.record([
            ("Agent", identity.agent),
            ("Supervisor", identity.isSupervisor ? "yes" : "no"),
            ("Code checks", identity.lockedUntil.map { "locked until \(times.deadline($0))" } ?? "allowed"),
            ("Database", link.connection.database),
        ])]
        return report
    }

    /// `help [COMMAND]`.
    func help(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        var report = CommandReport(command: command.name)
        if !command.positionals.isEmpty {
            guard let (spec, consumed) = CommandTable.spec(for: command.positionals), consumed == command.positionals.count else {
                throw .usage("there is no command \(command.positionals.joined(separator: " ")) (type help for the list)")
            }
            report.fields.add("name", spec.name)
            report.fields.add("usage", spec.usage)
            report.fields.add("summary", spec.summary)
            report.human = [.line(ConsoleText(ownWords: spec.usage), .heading), .paragraph(ConsoleText(ownWords: spec.summary), .plain, indent: 2)]
            if !spec.details.isEmpty { report.human.append(.paragraph(ConsoleText(ownWords: spec.details), .plain, indent: 2)) }
            if let rules = deskRules(for: spec.command) {
                report.fields.add("desk_rules", rules.text)
                report.human.append(.paragraph(rules, .plain, indent: 2))
            }
            for flag in spec.flags {
                let name = "--\(flag.name)" + (flag.value.map { " \($0)" } ?? "")
                report.human.append(.line(ConsoleText(ownWords: "  \(DisplayWidth.pad(name, to: 20)) \(flag.help)"), .plain))
            }
            return report
        }
        report.fields.add("commands", .records(CommandTable.all.map { spec in
            var record = ReportRecord()
            record.add("name", spec.name)
            record.add("usage", spec.usage)
            record.add("summary", spec.summary)
            record.add("supervisors_only", spec.supervisorOnly)
            return record
        }))
        report.rowsKey = "commands"
        let width = CommandTable.all.map { DisplayWidth.of($0.name) }.max() ?? 0
        report.human = [.line("Commands (help COMMAND for one in full):", .heading)]
        report.human += CommandTable.all.map { .line("  \(DisplayWidth.pad($0.name, to: width))  \($0.summary)", .plain) }
        report.human.append(.line("USER is an email, #ID, or the row number of the last find. Quote text with spaces: --reason \"lost phone\".", .muted))
        return report
    }

    /// This desk's numbers for a command that depends on them, as the database has them now
    /// (`support.policy`): `help disable-2fa` says "10 minutes", not "the last minutes".
    private func deskRules(for command: CommandName) -> ConsoleText? {
        guard let policy = state.policy else { return nil }
        let validFor = TimeText.spoken(seconds: policy.verificationValidSeconds)
        let lock = TimeText.spoken(seconds: policy.userLockSeconds)
        switch command {
        case .disable:
            let list = policy.commonReasons.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "; ")
            let reasons: ConsoleText = list.isEmpty ? "" : " Common reasons, by number at the Reason question or as --reason N: \(list)."
            return "This desk: a match allows a disable for \(validFor); the reason needs at least \(policy.minReasonLength) characters; tickets look like \(policy.ticketExample) (pattern \(policy.ticketPattern), read in upper case).\(reasons)"
        case .verify:
            return "This desk: \(policy.userMaxMismatches) mismatches lock the member's recovery for \(lock); \(policy.agentMaxMismatches) across members lock you for \(TimeText.spoken(seconds: policy.agentLockSeconds)); a match allows a disable for \(validFor)."
        case .unlock:
            return "This desk: the reason needs at least \(policy.minReasonLength) characters."
        default:
            return nil
        }
    }
}
