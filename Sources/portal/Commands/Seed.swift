import CommandLineSupport
import ArgumentParser
import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal seed --demo`, `portal seed --customers N --users-per-customer M`, and (alone or after
/// the latter) `--audit-events N` for a large audit log.
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load demo data with call scenarios, or large synthetic data through COPY (needs PORTAL_SECRET_KEY).")

    @OptionGroup var options: DatabaseOptions
    @Flag(name: .long, help: "A few hundred realistic customers and members, and call scenarios to rehearse.") var demo = false
    @Option(name: .long, help: "Synthetic data: how many customers.") var customers: Int?
    @Option(name: .long, help: "Synthetic data: members per customer.") var usersPerCustomer: Int?
    @Option(name: .long, help: "Seed for the generated names (same seed, same people).") var seed: UInt64 = 42
    @Option(name: .long, help: "Synthetic audit log: events of support work on the members already there, chained (for benchmarks).")
    var auditEvents: Int?
    @Option(name: .long, help: "With --audit-events: how many agents did the work (default 37).") var agents: Int?
    @Option(name: .long, help: "With --audit-events: spread the events evenly over this many days up to now (default: one a second).")
    var days: Int?

    func validate() throws {
        if (agents != nil || days != nil) && auditEvents == nil { throw ValidationError("--agents and --days go with --audit-events") }
        if let agents, !(1...1000).contains(agents) { throw ValidationError("--agents must be from 1 to 1000") }
        if let days, !(1...3660).contains(days) { throw ValidationError("--days must be from 1 to 3660") }
        if let auditEvents {
            guard (1...10_000_000).contains(auditEvents) else { throw ValidationError("--audit-events must be from 1 to 10,000,000") }
            guard !demo else { throw ValidationError("--audit-events goes with synthetic data, not --demo") }
            if customers == nil, usersPerCustomer == nil { return }
        }
        switch (demo, customers, usersPerCustomer) {
        case (true, nil, nil): break
        case (false, let customers?, let members?):
            guard customers >= 1, members >= 1 else { throw ValidationError("--customers and --users-per-customer must be at least 1") }
            guard customers.multipliedReportingOverflow(by: members).partialValue <= 50_000_000 else {
                throw ValidationError("at most 50,000,000 members")
            }
        default:
            throw ValidationError("give either --demo, or both --customers and --users-per-customer")
        }
    }

    func run() throws {
        if let auditEvents, customers == nil {
            try PortalRunner.run(options) { connection in try seedAuditLog(auditEvents, connection) }
            return
        }
        let secrets = try SecretBox.fromEnvironment()
        try PortalRunner.run(options) { connection in
            if demo {
                let summary = try DemoSeeder(portal: PortalAPI(connection: connection, secrets: secrets)).load(seed: seed)
                return Self.report(summary)
            }
            var plan = ScaleSeeder.Plan(customers: customers ?? 0, membersPerCustomer: usersPerCustomer ?? 0)
            plan.seed = seed
            let bar = ProgressBar(enabled: Platform.isTerminal(2) && !options.json)
            let started = Date()
            let summary = try ScaleSeeder(connection: connection, secrets: secrets).load(plan, progress: { done, total in
                bar.show(done: done, total: total, label: "members")
            }, indexing: {
                bar.finish()
                if Platform.isTerminal(2) && !options.json { StandardError.write("building indexes…") }
            })
            bar.finish()
            let seconds = Date().timeIntervalSince(started)
            if let auditEvents { _ = try seedAuditLog(auditEvents, connection) }
            return PortalReport(
                text: "loaded \(summary.customers) customers and \(summary.members) members (\(summary.enrolled) enrolled, \(summary.recoveryCodes) recovery codes, \(summary.mandatoryCustomers) customers with mandatory 2FA) in \(String(format: "%.1f", seconds)) s; every member's password is \(summary.password)",
                fields: ["customers": summary.customers, "members": summary.members, "enrolled": summary.enrolled,
                         "recovery_codes": summary.recoveryCodes, "mandatory_customers": summary.mandatoryCustomers,
                         "password": summary.password, "seconds": seconds])
        }
    }

    /// Chains `count` synthetic audit events onto the log.
    func seedAuditLog(_ count: Int, _ connection: PGConnection) throws -> PortalReport {
        let bar = ProgressBar(enabled: Platform.isTerminal(2) && !options.json)
        let started = Date()
        let head = try AuditLogSeeder(connection: connection).load(events: count, agents: agents ?? 37, spanDays: days) { done, total in
            bar.show(done: done, total: total, label: "events")
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        return PortalReport(
            text: "chained \(count) audit events in \(String(format: "%.1f", seconds)) s; the log now holds \(head)",
            fields: ["audit_events": count, "chain_length": head, "seconds": seconds])
    }

    static func report(_ summary: DemoSeeder.Summary) -> PortalReport {
        var lines = ["demo data: \(summary.customers) customers, \(summary.members) members (\(summary.enrolled) with 2FA), \(summary.mandatoryCustomers) customers enforce 2FA; every member's password is \(summary.password)", "", "Calls to rehearse:"]
        for (index, call) in summary.scenarios.enumerated() {
            lines.append("\(index + 1). \(call.title): \(call.caller) <\(call.email)>, account \(call.account)")
            if let code = call.recoveryCode { lines.append("   reads out: \(code)") }
            if let again = call.readsAgain { lines.append("   reads it again: \(again)") }
            lines.append("   expect: \(call.expectation)")
        }
        let scenarios: [[String: any Sendable]] = summary.scenarios.map {
            ["title": $0.title, "caller": $0.caller, "email": $0.email, "account": $0.account,
             "recovery_code": $0.recoveryCode as (any Sendable)? ?? NSNull(),
             "reads_again": $0.readsAgain as (any Sendable)? ?? NSNull(), "expectation": $0.expectation]
        }
        return PortalReport(text: lines.joined(separator: "\n"), fields: [
            "customers": summary.customers, "members": summary.members, "enrolled": summary.enrolled,
            "mandatory_customers": summary.mandatoryCustomers, "password": summary.password, "scenarios": scenarios,
        ])
    }
}
