import DeskDatabase
public import Foundation
import PGClient

/// Recovery-code checks, disables and lockout clearing: the calls that change things.
extension SupportAPI {
    /// Asks whether a disable's reason and ticket pass the database's rules, before the agent
    /// is asked to confirm: refused with the rule's DK007 or DK008, nothing recorded; else the
    /// two as the disable will store them (trimmed, the ticket in upper case).
    @discardableResult
    public func checkDisableWords(reason: String, ticket: String) throws -> (reason: String, ticket: String) {
        let row = try connection.query("SELECT * FROM support.check_disable_words($1, $2)", [reason, ticket]).single()
        return (try row.decode(String.self, column: "reason"), try row.decode(String.self, column: "ticket"))
    }

    /// The reason alone, judged as `checkDisableWords` judges it, so a reason that will be
    /// refused is said as soon as it is typed; returns it as the disable will store it.
    public func checkDisableReason(_ reason: String) throws -> String {
        try connection.query("SELECT reason FROM support.check_disable_words($1, NULL)", [reason]).single().decode(String.self, at: 0)
    }

    /// Checks a recovery code read over the phone; the attempt is recorded whatever the outcome.
    /// Two round trips: the check is recorded (and committed) first, and only then does the
    /// database show its outcome, so a check can never be rolled back out of the record.
    public func verify(memberID: Int64, code: String) throws -> RecoveryCheck {
        let check = try recordedID(connection.query("SELECT support.check_recovery_code($1::bigint, $2)", [memberID, code]))
        let row = try connection.query("SELECT * FROM support.recovery_check_outcome($1::bigint)", [check]).single()
        guard let outcome = RecoveryCheckOutcome(rawValue: try row.decode(String.self, column: "outcome")) else {
            throw PGError(.decoding, message: "unknown recovery check outcome")
        }
        return RecoveryCheck(
            outcome: outcome,
            attemptsLeft: try row.decode(Int?.self, column: "attempts_left"),
            lockedUntil: try row.decode(PGTimestamp?.self, column: "locked_until"),
            lockedScope: try Self.optionalShape(row, "locked_scope"),
            usableUntil: try row.decode(PGTimestamp?.self, column: "usable_until"))
    }

    /// Disables 2FA after this agent's own recent match. Retrying with the same `requestID`
    /// returns the first call's event.
    public func disable(memberID: Int64, reason: String, ticket: String, requestID: UUID) throws -> AuditEvent {
        try Self.event(try connection.query(
            "SELECT * FROM support.disable_2fa($1::bigint, $2, $3, $4::uuid)", [memberID, reason, ticket, requestID]).single())
    }

    /// A supervisor's disable without a code check.
    public func overrideDisable(memberID: Int64, reason: String, ticket: String, requestID: UUID) throws -> AuditEvent {
        try Self.event(try connection.query(
            "SELECT * FROM support.override_disable_2fa($1::bigint, $2, $3, $4::uuid)", [memberID, reason, ticket, requestID]).single())
    }

    /// Ends a member's recovery lockout early (supervisors).
    public func clearLockout(memberID: Int64, reason: String) throws -> AuditEvent {
        try Self.event(try connection.query("SELECT * FROM support.clear_lockout($1::bigint, $2)", [memberID, reason]).single())
    }

    /// Lets another agent make `extra` more look-ups in the coming hour (supervisors).
    public func liftLookupLimit(agent: String, extra: Int, reason: String) throws -> AuditEvent {
        try Self.event(try connection.query(
            "SELECT * FROM support.lift_lookup_limit($1, $2::int, $3)", [agent, extra, reason]).single())
    }

    /// Ends an agent's lockout early (supervisors).
    public func clearAgentLockout(agent: String, reason: String) throws -> AuditEvent {
        try Self.event(try connection.query("SELECT * FROM support.clear_agent_lockout($1, $2)", [agent, reason]).single())
    }

    /// This session's server process and when it started: together they name the session even
    /// after its pid is reused, so `endEarlierSession` can never stop another one.
    public func sessionIdentity() throws -> SessionIdentity {
        let row = try connection.query(
            "SELECT pid, backend_start FROM pg_catalog.pg_stat_activity WHERE pid = pg_catalog.pg_backend_pid()").single()
        return SessionIdentity(pid: try row.decode(Int32.self, column: "pid"), started: try row.decode(PGTimestamp.self, column: "backend_start"))
    }

    /// Ends an earlier session of this same role that may still be running a request whose
    /// answer was lost (its client vanished, the server has not noticed), waiting up to 5 s for it
    /// to go, so that looking the request up afterwards gives the final word. True when it was
    /// still there.
    @discardableResult
    public func endEarlierSession(_ session: SessionIdentity) throws -> Bool {
        try connection.query("""
            SELECT pg_catalog.pg_terminate_backend(pid, 5000) FROM pg_catalog.pg_stat_activity
             WHERE pid = $1::int AND backend_start = $2::timestamptz AND usename = session_user
            """, [session.pid, session.started]).rows.first.map { try $0.decode(Bool.self, at: 0) } ?? false
    }

    /// The event a request produced, if it got through: asked after a lost connection instead
    /// of repeating the request.
    public func lookupRequest(_ requestID: UUID) throws -> AuditEvent? {
        try connection.query("SELECT * FROM support.lookup_request($1::uuid)", [requestID]).rows.first.map(Self.event)
    }
}
