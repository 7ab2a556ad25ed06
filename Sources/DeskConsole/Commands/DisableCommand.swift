import Foundation
import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `disable-2fa USER --reason TEXT --ticket REF [--override] [--yes]`. The request id is
    /// kept until the answer arrives, so a lost connection leads to a look-up, not a repeat.
    func disable(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let target = try member(named: command)
        let override = command.has("override")
        // The database's own reason and ticket rules: words given as flags are judged before
        // anything is looked up; words still to be asked for, right after they are typed.
        var words: (reason: String, ticket: String)?
        if let reason = command.option("reason"), let ticket = command.option("ticket") {
            let picked = try givenReason(reason)
            words = try database { try api.checkDisableWords(reason: picked, ticket: ticket) }
        }
        let detail = try database { try api.detail(memberID: target.id) }
        let who = detail.email
        if words == nil {
            // Whom the questions are about, before the first of them.
            if interactive { say([.line("2FA of \(detail.name) <\(who)>, \(detail.customerName) (\(detail.accountNumber)):", .heading)]) }
            if interactive && !override { try readyToDisable(detail) }
            let reason = try disableReason(command)
            let ticket = try disableTicket(command, memberID: target.id)
            words = try database { try api.checkDisableWords(reason: reason, ticket: ticket) }
        }
        guard let words else { throw .usage("disable-2fa needs --reason TEXT and --ticket REF") }

        var report = CommandReport(command: command.name)
        let asking = interactive && !command.has("yes") && (override || detail.verifiedUntil != nil)
        if asking {
            report.human.append(.line("Disable 2FA for \(detail.name) <\(who)>, \(detail.customerName) (\(detail.accountNumber))\(override ? " WITHOUT a code check (override)" as ConsoleText : "").", .heading))
            report.human.append(.line("  Reason: \(words.reason)", .plain))
            report.human.append(.line("  Ticket: \(words.ticket)", .plain))
            if let warning = mandatoryWarning(detail) { report.human.append(.line(warning, .warning)) }
            if let warning = troubleWarning(detail) { report.human.append(.line(warning, .warning)) }
            say(report.human)
            report.human = []
            guard yes("Disable 2FA? [y/N] ") == true else {
                report.fields.add("member_id", target.id)
                report.fields.add("disabled", false)
                report.human = [.line("Nothing changed.", .muted)]
                return report
            }
        }

        let requestID = UUID()
        let session = try database { try link.currentSession() }
        state.requestInFlight = RequestInFlight(id: requestID, description: "disable-2fa \(detail.email)", member: detail.email, session: session)
        let event: AuditEvent
        do {
            event = try database {
                override
                    ? try api.overrideDisable(memberID: target.id, reason: words.reason, ticket: words.ticket, requestID: requestID)
                    : try api.disable(memberID: target.id, reason: words.reason, ticket: words.ticket, requestID: requestID)
            }
            state.requestInFlight = nil
            if interactive { state.callTicket = CallTicket(ticket: words.ticket, memberID: target.id) }
        } catch {
            if error.kind != .connectionLost { state.requestInFlight = nil }
            throw error
        }

        if event.action == .disableRequested { return try requested(command, event, detail: detail, override: override) }
        report.fields.add("member_id", target.id)
        report.fields.add("email", detail.email)
        report.fields.add("disabled", true)
        report.fields.add("override", override)
        report.fields.add("event", .record(eventRecord(event)))
        if let trouble = detail.recentTrouble, !trouble.isEmpty {
            report.fields.add("recent_trouble", .record(Self.troubleShape.record(trouble)))
        }
        // Who was told: read after the disable committed; a failure here must not hide the success.
        let notified = (try? api.recipients(ofEvent: event.seq)) ?? []
        report.fields.add("notified", .records(notified.map(Self.recipientShape.record)))
        report.human = [.line("✓ 2FA disabled for \(who): audit event #\(event.seq), ticket \(event.ticket ?? words.ticket).", .success)]
        if !notified.isEmpty {
            let list = notified.map { "\($0.recipient) (\($0.audience.rawValue))" }.joined(separator: ", ")
            report.human.append(.line("Notified: \(list).", .plain))
        }
        // Said before the y/N when there was one; a script's log still gets it.
        if !asking, let warning = troubleWarning(detail) { report.human.append(.line(warning, .warning)) }
        if detail.mandatory {
            report.human.append(.line("⚠ \(detail.accountNumber) enforces 2FA: \(who) must set it up again at the next login.", .warning))
        } else {
            report.human.append(.line("\(who) can now sign in with the password alone.", .plain))
        }
        return report
    }

    /// Before the reason and ticket are asked for, what the database says would still stop the
    /// disable: no 2FA, no usable match (and why), or an emailed code the policy wants, which is
    /// offered and asked for here rather than refused after the whole dialogue.
    private func readyToDisable(_ detail: MemberDetail) throws(ConsoleFailure) {
        let who = "\(detail.email) (\(detail.name))"
        guard detail.twoFactor == .active else {
            throw .refused("\(who) has no active 2FA: there is nothing to disable. Nothing changed")
        }
        guard let readiness = detail.readiness else { return }
        if let why = readiness.noMatch { throw ConsoleFailure(.refused, sqlState: "DK005", message: why + ". Nothing changed") }
        if readiness.emailCodeMissing {
            let outcome = try secondChannelNow(memberID: detail.memberID, who: who, alreadySent: state.emailCodesSent.contains(detail.memberID))
            guard let outcome, outcome == .match else {
                throw .refused(outcome.map { Self.emailCodeSentence($0, who: detail.email) }
                               ?? "\(detail.email)'s disable needs the code from their mail first: send-code, then verify --email-code. Nothing changed")
            }
        }
    }

    /// A disable the policy holds for a second approver: nothing is disabled yet, and the agent
    /// is told so, with the request's number and deadline to pass on.
    private func requested(_ command: ParsedCommand, _ event: AuditEvent, detail: MemberDetail, override: Bool) throws(ConsoleFailure) -> CommandReport {
        let policy = try database { try api.approvalPolicy() }
        let until = PGTimestamp(microsecondsSinceUnixEpoch: event.occurredAt.microsecondsSinceUnixEpoch + Int64(policy.windowSeconds) * 1_000_000)
        var report = CommandReport(command: command.name)
        report.fields.add("member_id", detail.memberID)
        report.fields.add("email", detail.email)
        report.fields.add("disabled", false)
        report.fields.add("override", override)
        report.fields.add("requested", true)
        report.fields.add("request", event.seq)
        report.fields.add("approve_by", until)
        report.fields.add("event", .record(eventRecord(event)))
        report.human = [
            .line("⏳ Not disabled yet: the policy (\(policy.policy.rawValue)) needs a second approver. Request #\(event.seq) for \(detail.email).", .warning),
            .line("A supervisor other than you must run `approve \(event.seq)` by \(times.deadline(until)); `requests` shows where it stands. Your code match is used either way.", .plain),
        ]
        return report
    }

    /// `unlock USER --reason TEXT` or `unlock --agent NAME --reason TEXT` (supervisors). Asks
    /// y/N first when interactive, showing who and the reason, as a disable does: the reason
    /// is logged for good, and a line typed by mistake must not become one.
    func unlock(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let agent = command.option("agent")
        guard (agent == nil) == (command.positionals.count == 1) else {
            throw .usage("usage: unlock USER --reason TEXT, or unlock --agent NAME --reason TEXT")
        }
        let target = try agent == nil ? member(named: command) : nil
        let reason = try required(command, "reason", asking: "Reason (why, in words): ")
        var report = CommandReport(command: command.name)
        let who: String = agent.map { "agent \($0)" } ?? "recovery for \(target?.label ?? "")"
        if interactive && !command.has("yes") {
            say([.line("Unlock \(who) before its lock ends.", .heading), .line("  Reason: \(reason)", .plain)])
            guard yes("Unlock? [y/N] ") == true else {
                report.fields.add("unlocked", false)
                report.human = [.line("Nothing changed.", .muted)]
                return report
            }
        }
        let event: AuditEvent
        if let agent {
            event = try database { try api.clearAgentLockout(agent: agent, reason: reason) }
            report.fields.add("agent", agent)
        } else if let target {
            event = try database { try api.clearLockout(memberID: target.id, reason: reason) }
            report.fields.add("member_id", target.id)
        } else {
            throw .usage("usage: unlock USER --reason TEXT, or unlock --agent NAME --reason TEXT")
        }
        report.fields.add("event", .record(eventRecord(event)))
        report.human = [.line("✓ Unlocked \(who): audit event #\(event.seq).", .success)]
        return report
    }
}
