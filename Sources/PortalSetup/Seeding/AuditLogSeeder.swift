import DeskDatabase
public import PGClient

/// Loads a large audit log for benchmarks: events of support work (code checks, disables,
/// overrides, unlocks, enrolments) on the members already there, by a few dozen agents (37
/// unless told), one a second up to now, or spread evenly over a span (a year of a desk's work
/// for the report benchmark). They are staged and then chained by the database's own chainer
/// (`portal.chain_staged`), so every hash is the one a real event gets and `log verify` passes.
/// Runs as the schema owner or a superuser; the chain is extended, never rewritten.
public struct AuditLogSeeder {
    let connection: PGConnection

    /// A seeder writing through `connection` (owner or superuser).
    public init(connection: PGConnection) { self.connection = connection }

    /// Stages and chains `events` events by `agents` agents (`agent_00`, …), spread evenly over
    /// the `spanDays` days up to now (default: one a second); `progress(done, total)` is called
    /// as they are chained. Returns the chain's length afterwards.
    public func load(events: Int, agents: Int = 37, spanDays: Int? = nil, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int64 {
        guard (1...10_000_000).contains(events) else {
            throw PortalRefusal(code: .invalidInput, message: "seed between 1 and 10,000,000 audit events")
        }
        guard (1...1000).contains(agents) else {
            throw PortalRefusal(code: .invalidInput, message: "seed the work of 1 to 1000 agents")
        }
        guard spanDays.map({ (1...3660).contains($0) }) ?? true else {
            throw PortalRefusal(code: .invalidInput, message: "spread audit events over 1 to 3660 days")
        }
        let spanSeconds = Int64(spanDays.map { $0 * 86_400 } ?? events)
        let members = try connection.query("SELECT count(*), coalesce(min(id), 0) FROM portal.team_members").single()
        let memberCount = try members.decode(Int64.self, at: 0)
        guard memberCount > 0 else {
            throw PortalRefusal(code: .invalidInput, message: "seed members first: audit events are about members")
        }
        // Members are picked by stepping through the ids with a stride prime to their count, so
        // events spread over the whole table; ids of a seeded table are contiguous. One statement:
        // all of them are staged, or none.
        try connection.query("""
                INSERT INTO portal.audit_staging (occurred_at, actor, action, target, reason, ticket, account_number,
                                                  customer_id, member_id, request_id)
                SELECT date_trunc('seconds', clock_timestamp()) - ($4::bigint - (g::bigint * $4::bigint) / $1::int) * interval '1 second',
                       'agent_' || lpad((g % $5::int)::text, 2, '0'), a.action, m.email,
                       CASE WHEN a.action LIKE '2fa_disabled_%' THEN 'caller lost their phone; read a recovery code to confirm'
                            WHEN a.action = 'lock_cleared' THEN 'caller confirmed by a call-back to the number on file' END,
                       CASE WHEN a.action LIKE '2fa_disabled_%' THEN 'SUP-' || (100000 + g) END,
                       c.account_number, c.id, m.id,
                       CASE WHEN a.action LIKE '2fa_disabled_%' THEN gen_random_uuid() END
                  FROM generate_series(1, $1::int) AS g
                 CROSS JOIN LATERAL (SELECT (ARRAY['recovery_verified', 'recovery_verified', 'recovery_failed',
                                                   '2fa_disabled_support', '2fa_enabled', 'recovery_failed',
                                                   '2fa_disabled_override', 'lock_cleared', 'recovery_verified',
                                                   '2fa_disabled_support'])[1 + g % 10] AS action) a
                  JOIN portal.team_members m ON m.id = $2::bigint + (g::bigint * 7919) % $3::bigint
                  JOIN portal.customers c ON c.id = m.customer_id
                """, [events, try members.decode(Int64.self, at: 1), memberCount, spanSeconds, agents])
        var chained = 0
        progress(0, events)
        while chained < events {
            let batch = try connection.query("SELECT portal.chain_staged(10000)").single().decode(Int.self, at: 0)
            if batch == 0 { break }
            chained += batch
            progress(min(chained, events), events)
        }
        return try connection.query("SELECT seq FROM portal.audit_chain_head").single().decode(Int64.self, at: 0)
    }
}
