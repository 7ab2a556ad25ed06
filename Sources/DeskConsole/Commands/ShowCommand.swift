import Foundation
import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `show USER`: the member's record as an agent needs it on the call.
    func show(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let target = try member(command.positionals[0])
        let eventCount = try number(command, "events", in: 0...100, default: 5)
        let (detail, events) = try database { try api.detailAndEvents(memberID: target.id, eventLimit: eventCount) }
        if interactive { state.remember(emails: [detail.email]) }

        var report = CommandReport(command: command.name)
        report.fields.add("member_id", detail.memberID)
        report.fields.add("email", detail.email)
        report.fields.add("name", detail.name)
        report.fields.add("phone", detail.phone)
        report.fields.add("role", detail.role)
        report.fields.add("account", detail.accountNumber)
        report.fields.add("customer", detail.customerName)
        report.fields.add("two_factor", detail.twoFactor.rawValue)
        report.fields.add("two_factor_since", detail.twoFactorSince)
        report.fields.add("mandatory", detail.mandatory)
        report.fields.add("mandatory_since", detail.mandatorySince)
        report.fields.add("mandatory_by", detail.mandatoryBy)
        report.fields.add("recovery_codes_left", Int64(detail.recoveryCodesLeft))
        report.fields.add("locked_until", detail.lockedUntil)
        report.fields.add("verified_until", detail.verifiedUntil)
        report.fields.add("last_login_at", detail.lastLoginAt)
        report.fields.add("created_at", detail.createdAt)
        if let clock = detail.codeClock, clock.failedCodes > 0 {
            report.fields.add("failed_codes_24h", Int64(clock.failedCodes))
            report.fields.add("clock_offset_seconds", clock.offsetSeconds.map(Int64.init))
        }
        report.fields.add("events", .records(events.map(eventRecord)))

        guard wantsHuman else { return report }
        report.human = [.record(memberLines(detail))]
        if let warning = mandatoryWarning(detail) { report.human.append(.line(warning, .warning)) }
        if let diagnosis = detail.codeClock?.diagnosis { report.human.append(.line("⚠ " + diagnosis + ": ask the caller to set it automatically, then try a new code.", .warning)) }
        if eventCount > 0 {
            report.human.append(.line("Recent events", .heading))
            report.human.append(events.isEmpty ? .line("(none)", .muted) : eventTable(events, withTarget: false))
        }
        return report
    }

    private func memberLines(_ detail: MemberDetail) -> [(label: String, value: String)] {
        let twoFactor: String = switch detail.twoFactor {
        case .active: "active" + (detail.twoFactorSince.map { " since \(times.absolute($0))" } ?? "")
        case .pending: "being set up (not confirmed yet)"
        case .off: "off"
        }
        let mandatory = detail.mandatory
            ? "yes" + (detail.mandatorySince.map { ", since \(times.absolute($0))" } ?? "") + (detail.mandatoryBy.map { " by \($0)" } ?? "")
            : "no"
        return [
            ("Member", "#\(detail.memberID)"),
            ("Name", detail.name),
            ("Email", detail.email),
            ("Phone", detail.phone ?? "—"),
            ("Role", detail.role.rawValue),
            ("Customer", "\(detail.customerName) (\(detail.accountNumber))"),
            ("2FA", twoFactor),
            ("Mandatory 2FA", mandatory),
            ("Recovery codes left", String(detail.recoveryCodesLeft)),
            ("Recovery lock", detail.lockedUntil.map { "locked until \(times.deadline($0))" } ?? "none"),
            ("Your code check", detail.verifiedUntil.map { "matched; disable allowed until \(times.deadline($0))" } ?? "none"),
            ("Last login", detail.lastLoginAt.map(times.absolute) ?? "never"),
            ("Member since", times.absolute(detail.createdAt)),
        ]
    }

    /// The warning DESIGN.md asks for: with mandatory 2FA, a disabled member must set it up again.
    func mandatoryWarning(_ detail: MemberDetail) -> String? {
        guard detail.mandatory else { return nil }
        let customer = safe(detail.accountNumber)
        return detail.twoFactor == .active
            ? "⚠ \(customer) enforces 2FA: after a disable, \(safe(detail.email)) must set 2FA up again at the next login."
            : "⚠ \(customer) enforces 2FA: \(safe(detail.email)) will be asked to set it up at the next login."
    }

    func eventRecord(_ event: AuditEvent) -> ReportRecord {
        var record = ReportRecord()
        record.add("seq", event.seq)
        record.add("occurred_at", event.occurredAt)
        record.add("actor", event.actor)
        record.add("action", event.action)
        record.add("target", event.target)
        record.add("account", event.accountNumber)
        record.add("reason", event.reason)
        record.add("ticket", event.ticket)
        record.add("request_id", event.requestID?.uuidString.lowercased())
        return record
    }

    func eventTable(_ events: [AuditEvent], withTarget: Bool) -> HumanBlock {
        let headers = withTarget
            ? ["seq", "time", "actor", "action", "target", "account", "reason", "ticket"]
            : ["seq", "time", "actor", "action", "reason", "ticket"]
        let rows = events.map { event in
            withTarget
                ? [String(event.seq), times.absolute(event.occurredAt), event.actor, event.action.rawValue, event.target,
                   event.accountNumber ?? "", event.reason ?? "", event.ticket ?? ""]
                : [String(event.seq), times.absolute(event.occurredAt), event.actor, event.action.rawValue,
                   event.reason ?? "", event.ticket ?? ""]
        }
        return .table(headers: headers, rows: rows, footer: events.count == 1 ? "(1 event)" : "(\(events.count) events)")
    }
}
