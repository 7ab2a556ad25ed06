import Foundation
import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `show USER`: the member's record as an agent needs it on the call.
    func show(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let target = try member(named: command)
        let eventCount = try number(command, "events", default: 5)
        let (detail, events, oversight) = try database { try api.detailEventsAndOversight(memberID: target.id, eventLimit: eventCount) }
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
        report.fields.add("recent_trouble", detail.recentTrouble.map { .record(Self.troubleShape.record($0)) } ?? .null)
        report.fields.add("events", .records(events.map(eventRecord)))
        report.fields.add("notifications", .records(detail.notifications.map(Self.notificationShape.record)))
        report.fields.add("disputes", .records(detail.suspensions.map(Self.suspensionShape.record)))
        report.fields.add("reviews", .records(oversight.reviews.map(Self.itemReviewShape.record)))
        report.fields.add("requests", .records(oversight.requests.map(Self.requestShape.record)))

        guard wantsHuman else { return report }
        report.human = [.record(memberLines(detail))]
        if let warning = mandatoryWarning(detail) { report.human.append(.line(warning, .warning)) }
        if let warning = troubleWarning(detail) { report.human.append(.line(warning, .warning)) }
        if let diagnosis = detail.codeClock?.diagnosis { report.human.append(.line("⚠ \(diagnosis): ask the caller to set it automatically, then try a new code.", .warning)) }
        report.human += oversightLines(oversight)
        if eventCount > 0 {
            report.human.append(.line("Recent events", .heading))
            report.human.append(events.isEmpty ? .line("(none)", .muted) : eventTable(events, withTarget: false))
        }
        if !detail.suspensions.isEmpty {
            report.human.append(.line("Disputes", .heading))
            report.human.append(suspensionTable(detail.suspensions))
        }
        if !detail.notifications.isEmpty {
            report.human.append(.line("Notifications", .heading))
            report.human.append(notificationTable(detail.notifications))
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
    func mandatoryWarning(_ detail: MemberDetail) -> ConsoleText? {
        guard detail.mandatory else { return nil }
        return detail.twoFactor == .active
            ? "⚠ \(detail.accountNumber) enforces 2FA: after a disable, \(detail.email) must set 2FA up again at the next login."
            : "⚠ \(detail.accountNumber) enforces 2FA: \(detail.email) will be asked to set it up at the next login."
    }

    /// An audit event as scripts see it, in `show` and `log` alike.
    static let eventShape = RecordShape<AuditEvent>([
        .integer("seq") { $0.seq },
        .time("occurred_at") { $0.occurredAt },
        .text("actor") { $0.actor },
        .name("action") { $0.action },
        .text("target") { $0.target },
        .text("account") { $0.accountNumber },
        .text("reason") { $0.reason },
        .text("ticket") { $0.ticket },
        .text("request_id") { $0.requestID?.uuidString.lowercased() },
    ])

    func eventRecord(_ event: AuditEvent) -> ReportRecord { Self.eventShape.record(event) }

    func eventTable(_ events: [AuditEvent], withTarget: Bool) -> HumanBlock {
        return .table(headers: Self.eventHeaders(withTarget: withTarget), rows: events.map { eventCells($0, withTarget: withTarget) },
                      footer: Self.eventFooter(events.count))
    }

    static func eventHeaders(withTarget: Bool) -> [String] {
        withTarget
            ? ["seq", "time", "actor", "action", "target", "account", "reason", "ticket"]
            : ["seq", "time", "actor", "action", "reason", "ticket"]
    }

    static func eventFooter(_ count: Int) -> String { count == 1 ? "(1 event)" : "(\(count) events)" }

    /// An event's table cells, unescaped.
    func eventCells(_ event: AuditEvent, withTarget: Bool) -> [String] {
        withTarget
            ? [String(event.seq), times.absolute(event.occurredAt), event.actor, event.action.rawValue, event.target,
               event.accountNumber ?? "", event.reason ?? "", event.ticket ?? ""]
            : [String(event.seq), times.absolute(event.occurredAt), event.actor, event.action.rawValue,
               event.reason ?? "", event.ticket ?? ""]
    }
}
