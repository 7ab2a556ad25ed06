import Foundation
import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `requests [--all]`: disables held for a second approver (an agent's own; a supervisor
    /// sees everyone's), so the requesting agent can tell the caller what is pending.
    func requests(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let all = command.has("all")
        let requests = try database { try api.disableRequests(all: all) }
        var report = CommandReport(command: command.name)
        report.fields.add("count", Int64(requests.count))
        report.fields.add("requests", .records(requests.map(Self.requestShape.record)))
        report.rowsKey = "requests"
        report.rowColumns = Self.requestShape.keys
        guard wantsHuman else { return report }
        report.human = requests.isEmpty
            ? [.line(all ? "No requested disables." : "No disable waits for a second approver.", .muted)]
            : [.table(headers: ["request", "requested", "by", "target", "account", "kind", "state", "until / decided"],
                      rows: requests.map(requestCells),
                      footer: requests.count == 1 ? "(1 request)" : "(\(requests.count) requests)")]
        return report
    }

    /// `approve REQUEST [--note TEXT] [--yes]` (supervisors, never the requester): the disable
    /// happens now. Interactively it shows the request and asks y/N first.
    func approve(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let number = try eventNumber(command.positionals[0], what: "REQUEST")
        var report = CommandReport(command: command.name)
        if interactive && !command.has("yes") {
            let pending = try database { try api.disableRequests(all: true, limit: 1000) }
            if let request = pending.first(where: { $0.request == number }) {
                say([.line("Approve request #\(number): disable 2FA for \(request.target)\(request.accountNumber.map { " (\($0))" } ?? "")\(request.action == .twoFactorDisabledOverride ? " WITHOUT a code check (override)" as ConsoleText : ""), requested by \(request.requestedBy).", .heading),
                     .line("  Reason: \(request.reason)", .plain), .line("  Ticket: \(request.ticket)", .plain)])
            }
            guard yes("Approve and disable 2FA? [y/N] ") == true else {
                report.fields.add("request", number)
                report.fields.add("approved", false)
                report.human = [.line("Nothing changed.", .muted)]
                return report
            }
        }
        let event = try database { try api.approveDisable(request: number, note: command.option("note")) }
        report.fields.add("request", number)
        report.fields.add("approved", true)
        report.fields.add("event", .record(eventRecord(event)))
        report.human = [.line("✓ Request #\(number) approved: 2FA disabled for \(event.target), audit event #\(event.seq) in \(event.actor)'s name.", .success)]
        return report
    }

    /// `reject REQUEST --note TEXT` (supervisors): ends a request; the requester's match stays
    /// used, so a new request needs a new code check.
    func reject(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let number = try eventNumber(command.positionals[0], what: "REQUEST")
        let note = try required(command, "note", asking: "Note (why, in words): ")
        let event = try database { try api.rejectDisable(request: number, note: note) }
        var report = CommandReport(command: command.name)
        report.fields.add("request", number)
        report.fields.add("rejected", true)
        report.fields.add("event", .record(eventRecord(event)))
        report.human = [.line("Request #\(number) rejected: nothing disabled for \(event.target) (audit event #\(event.seq)).", .warning)]
        return report
    }

    private func requestCells(_ request: DisableRequest) -> [String] {
        let when: String = switch request.state {
        case .pending: times.deadline(request.expiresAt)
        case .expired: "expired \(times.absolute(request.expiresAt))"
        case .approved, .rejected: "\(request.decidedBy ?? "") \(request.decidedAt.map(times.absolute) ?? "")"
        }
        return [String(request.request), times.absolute(request.requestedAt), request.requestedBy, request.target,
                request.accountNumber ?? "", request.action == .twoFactorDisabledOverride ? "override" : "disable",
                request.state.rawValue, when]
    }

    /// A requested disable as scripts see it.
    static let requestShape = RecordShape<DisableRequest>([
        .integer("request") { $0.request },
        .time("requested_at") { $0.requestedAt },
        .time("expires_at") { $0.expiresAt },
        .text("requested_by") { $0.requestedBy },
        .text("target") { $0.target },
        .text("account") { $0.accountNumber },
        .name("action") { $0.action },
        .text("reason") { $0.reason },
        .text("ticket") { $0.ticket },
        .name("state") { $0.state },
        .text("decided_by") { $0.decidedBy },
        .time("decided_at") { $0.decidedAt },
        .integer("disable_event") { $0.disableEvent },
    ])
}
