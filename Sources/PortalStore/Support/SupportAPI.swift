import Foundation
import PGClient

/// Typed calls of the `support` functions, for the console and for scripts. Every rule is the
/// database's; this only spells the calls and decodes the rows.
public struct SupportAPI {
    /// The agent's own connection (its session_user is the recorded actor).
    public let connection: PGConnection

    /// Wraps a connection opened as an agent or supervisor role.
    public init(connection: PGConnection) { self.connection = connection }

    /// The agent as the database sees it.
    public func whoami() throws -> AgentIdentity {
        let row = try single(connection.query("SELECT agent, is_supervisor, locked_until FROM support.whoami()"))
        return AgentIdentity(
            agent: try row.decode(String.self, column: "agent"),
            isSupervisor: try row.decode(Bool.self, column: "is_supervisor"),
            lockedUntil: try row.decode(PGTimestamp?.self, column: "locked_until"))
    }

    /// Ranked matches for an email, account number, phone number or name.
    public func find(_ query: String, limit: Int = 20) throws -> [FoundMember] {
        try connection.query("SELECT * FROM support.find($1, $2::int)", [query, limit]).rows.map { row in
            FoundMember(
                memberID: try row.decode(Int64.self, column: "member_id"),
                accountNumber: try row.decode(String.self, column: "account_number"),
                customerName: try row.decode(String.self, column: "customer_name"),
                name: try row.decode(String.self, column: "name"),
                email: try row.decode(String.self, column: "email"),
                role: try row.decode(String.self, column: "role"),
                phone: try row.decode(String?.self, column: "phone"),
                twoFactor: try Self.state(row, "twofa_state"),
                mandatory: try row.decode(Bool.self, column: "mandatory_2fa"),
                matchedOn: try row.decode(String.self, column: "matched_on"),
                score: try row.decode(Double.self, column: "score"))
        }
    }

    /// The member id for an email or `#ID`.
    public func resolveMember(_ reference: String) throws -> Int64 {
        try single(connection.query("SELECT support.resolve_user($1)", [reference])).decode(Int64.self, at: 0)
    }

    /// One member in full.
    public func detail(memberID: Int64) throws -> MemberDetail {
        let row = try single(connection.query("SELECT * FROM support.user_detail($1::bigint)", [memberID]))
        return MemberDetail(
            memberID: try row.decode(Int64.self, column: "member_id"),
            email: try row.decode(String.self, column: "email"),
            name: try row.decode(String.self, column: "name"),
            phone: try row.decode(String?.self, column: "phone"),
            role: try row.decode(String.self, column: "role"),
            accountNumber: try row.decode(String.self, column: "account_number"),
            customerName: try row.decode(String.self, column: "customer_name"),
            mandatory: try row.decode(Bool.self, column: "mandatory_2fa"),
            mandatorySince: try row.decode(PGTimestamp?.self, column: "mandatory_since"),
            mandatoryBy: try row.decode(String?.self, column: "mandatory_by"),
            twoFactor: try Self.state(row, "twofa_state"),
            twoFactorSince: try row.decode(PGTimestamp?.self, column: "twofa_since"),
            recoveryCodesLeft: try row.decode(Int.self, column: "recovery_codes_left"),
            lockedUntil: try row.decode(PGTimestamp?.self, column: "locked_until"),
            lastLoginAt: try row.decode(PGTimestamp?.self, column: "last_login_at"),
            createdAt: try row.decode(PGTimestamp.self, column: "created_at"),
            verifiedUntil: try row.decode(PGTimestamp?.self, column: "verified_until"))
    }

    /// A member's most recent events, newest first.
    public func events(memberID: Int64, limit: Int = 10) throws -> [AuditEvent] {
        try connection.query("SELECT * FROM support.user_events($1::bigint, $2::int)", [memberID, limit]).rows.map(Self.event)
    }

    /// Checks a recovery code read over the phone; the attempt is recorded whatever the outcome.
    public func verify(memberID: Int64, code: String) throws -> RecoveryCheck {
        let row = try single(connection.query("SELECT * FROM support.verify_recovery_code($1::bigint, $2)", [memberID, code]))
        guard let outcome = RecoveryCheckOutcome(rawValue: try row.decode(String.self, column: "outcome")) else {
            throw PGError(.decoding, message: "unknown recovery check outcome")
        }
        return RecoveryCheck(
            outcome: outcome,
            attemptsLeft: try row.decode(Int?.self, column: "attempts_left"),
            lockedUntil: try row.decode(PGTimestamp?.self, column: "locked_until"),
            lockedScope: try row.decode(String?.self, column: "locked_scope"),
            usableUntil: try row.decode(PGTimestamp?.self, column: "usable_until"))
    }

    /// Disables 2FA after this agent's own recent match. Retrying with the same `requestID`
    /// returns the first call's event.
    public func disable(memberID: Int64, reason: String, ticket: String, requestID: UUID) throws -> AuditEvent {
        try Self.event(try single(connection.query(
            "SELECT * FROM support.disable_2fa($1::bigint, $2, $3, $4::uuid)", [memberID, reason, ticket, requestID])))
    }

    /// A supervisor's disable without a code check.
    public func overrideDisable(memberID: Int64, reason: String, ticket: String, requestID: UUID) throws -> AuditEvent {
        try Self.event(try single(connection.query(
            "SELECT * FROM support.override_disable_2fa($1::bigint, $2, $3, $4::uuid)", [memberID, reason, ticket, requestID])))
    }

    /// Ends a member's recovery lockout early (supervisors).
    public func clearLockout(memberID: Int64, reason: String) throws -> AuditEvent {
        try Self.event(try single(connection.query("SELECT * FROM support.clear_lockout($1::bigint, $2)", [memberID, reason])))
    }

    /// Ends an agent's lockout early (supervisors).
    public func clearAgentLockout(agent: String, reason: String) throws -> AuditEvent {
        try Self.event(try single(connection.query("SELECT * FROM support.clear_agent_lockout($1, $2)", [agent, reason])))
    }

    /// The event a request produced, if it got through: asked after a lost connection instead
    /// of repeating the request.
    public func lookupRequest(_ requestID: UUID) throws -> AuditEvent? {
        try connection.query("SELECT * FROM support.lookup_request($1::uuid)", [requestID]).rows.first.map(Self.event)
    }

    /// The audit log, filtered, newest first (supervisors).
    public func auditLog(_ filter: AuditLogFilter) throws -> [AuditEvent] {
        try connection.query(
            "SELECT * FROM support.audit_log($1::timestamptz, $2::timestamptz, $3, $4, $5, $6, $7::bigint, $8::int)",
            [filter.since, filter.until, filter.agent, filter.account, filter.email, filter.action, filter.beforeSeq, filter.limit]
        ).rows.map(Self.event)
    }

    /// Streams every chain link after `afterSeq`, in order, one row in memory at a time.
    public func forEachChainLink(after afterSeq: Int64 = 0, _ body: (AuditChainLink) throws -> Void) throws {
        try connection.forEachRow("SELECT * FROM support.audit_chain($1::bigint)", [afterSeq]) { row in
            try body(AuditChainLink(
                seq: try row.decode(Int64.self, column: "seq"),
                prevHash: try row.decode([UInt8].self, column: "prev_hash"),
                hash: try row.decode([UInt8].self, column: "hash"),
                occurredAtMicroseconds: try row.decode(Int64.self, column: "occurred_at_us"),
                actor: try row.decode(String.self, column: "actor"),
                action: try row.decode(String.self, column: "action"),
                target: try row.decode(String.self, column: "target"),
                reason: try row.decode(String?.self, column: "reason"),
                ticket: try row.decode(String?.self, column: "ticket")))
        }
    }

    /// The chain head as the database holds it (supervisors).
    public func chainHead() throws -> AuditAnchor {
        let row = try single(connection.query("SELECT seq, hash FROM support.audit_head()"))
        return AuditAnchor(seq: try row.decode(Int64.self, column: "seq"), hash: try row.decode([UInt8].self, column: "hash"))
    }

    private func single(_ result: PGResult) throws -> PGRow {
        guard let row = result.rows.first else { throw PGError(.decoding, message: "the function returned no row") }
        return row
    }

    private static func state(_ row: PGRow, _ column: String) throws -> TwoFactorState {
        guard let state = TwoFactorState(rawValue: try row.decode(String.self, column: column)) else {
            throw PGError(.decoding, message: "unknown 2FA state in \(column)")
        }
        return state
    }

    private static func event(_ row: PGRow) throws -> AuditEvent {
        AuditEvent(
            seq: try row.decode(Int64.self, column: "seq"),
            occurredAt: try row.decode(PGTimestamp.self, column: "occurred_at"),
            actor: try row.decode(String.self, column: "actor"),
            action: try row.decode(String.self, column: "action"),
            target: try row.decode(String.self, column: "target"),
            accountNumber: try row.decode(String?.self, column: "account_number"),
            reason: try row.decode(String?.self, column: "reason"),
            ticket: try row.decode(String?.self, column: "ticket"),
            requestID: try row.decode(UUID?.self, column: "request_id"))
    }
}
