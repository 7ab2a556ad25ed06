import DeskDatabase
import Foundation
public import PGClient

/// Typed calls of the `support` functions, for the console and for scripts. Every rule is the
/// database's; this only spells the calls and decodes the rows.
public struct SupportAPI {
    /// The agent's own connection (its session_user is the recorded actor).
    public let connection: PGConnection

    /// Wraps a connection opened as an agent or supervisor role.
    public init(connection: PGConnection) { self.connection = connection }

    /// The agent as the database sees it.
    public func whoami() throws -> AgentIdentity {
        let row = try connection.query("SELECT agent, is_supervisor, locked_until FROM support.whoami()").single()
        return AgentIdentity(
            agent: try row.decode(String.self, column: "agent"),
            isSupervisor: try row.decode(Bool.self, column: "is_supervisor"),
            lockedUntil: try row.decode(PGTimestamp?.self, column: "locked_until"))
    }

    /// The lockout and verification numbers and the ticket shape, to word sentences and help.
    public func policy() throws -> SupportPolicy {
        let row = try connection.query("SELECT * FROM support.policy()").single()
        return SupportPolicy(
            userMaxMismatches: try row.decode(Int.self, column: "user_max_mismatches"),
            userLockSeconds: try row.decode(Int.self, column: "user_lock_seconds"),
            agentMaxMismatches: try row.decode(Int.self, column: "agent_max_mismatches"),
            agentLockSeconds: try row.decode(Int.self, column: "agent_lock_seconds"),
            verificationValidSeconds: try row.decode(Int.self, column: "verification_valid_seconds"),
            minReasonLength: try row.decode(Int.self, column: "min_reason_length"),
            ticketPattern: try row.decode(String.self, column: "ticket_pattern"),
            ticketExample: try row.decode(String.self, column: "ticket_example"),
            commonReasons: try commonReasons())
    }

    /// The desk's common reasons for a disable, as the settings hold them now (1 is the first).
    public func commonReasons() throws -> [String] {
        try connection.query("SELECT reason FROM support.common_reasons() ORDER BY number").rows.map { try $0.decode(String.self, at: 0) }
    }

    /// Ranked matches for an email, account number, phone number or name. The search is
    /// recorded (and counted against the hourly limit) in its own transaction before the
    /// database shows its answer, so no look-up goes unrecorded.
    public func find(_ query: String, limit: Int = 20) throws -> [FoundMember] {
        let lookup = try recordedID(connection.query("SELECT support.request_find($1, $2::int)", [query, limit]))
        // Up to a hundred rows of eleven columns, read where libpq holds them; the positions
        // are looked up once, not per row and field.
        var columns: (id: Int, account: Int, customer: Int, name: Int, email: Int, role: Int, phone: Int,
                      state: Int, mandatory: Int, matched: Int, score: Int)?
        var found: [FoundMember] = []
        found.reserveCapacity(limit)
        try connection.forEachResultRow("SELECT * FROM support.find_results($1::bigint)", [lookup]) { row in
            func column(_ name: String) throws -> Int {
                guard let index = row.columnIndex(name) else {
                    throw PGError(.decoding, message: "the result has no column \"\(name)\"")
                }
                return index
            }
            let at = try columns ?? (
                try column("member_id"), try column("account_number"), try column("customer_name"), try column("name"),
                try column("email"), try column("role"), try column("phone"), try column("twofa_state"),
                try column("mandatory_2fa"), try column("matched_on"), try column("score"))
            columns = at
            /// A closed set of names; one this build does not know means a newer schema.
            func shape<Shape: RawRepresentable>(_ index: Int, _ column: String) throws -> Shape where Shape.RawValue == String {
                try Self.shape(named: try row.decode(String.self, at: index), in: column)
            }
            found.append(FoundMember(
                memberID: try row.decode(Int64.self, at: at.id),
                accountNumber: try row.decode(String.self, at: at.account),
                customerName: try row.decode(String.self, at: at.customer),
                name: try row.decode(String.self, at: at.name),
                email: try row.decode(String.self, at: at.email),
                role: try shape(at.role, "role"),
                phone: try row.decode(String?.self, at: at.phone),
                twoFactor: try shape(at.state, "twofa_state"),
                mandatory: try row.decode(Bool.self, at: at.mandatory),
                matchedOn: try shape(at.matched, "matched_on"),
                score: try row.decode(Double.self, at: at.score)))
        }
        return found
    }

    /// The member id for an email or `#ID`.
    public func resolveMember(_ reference: String) throws -> Int64 {
        try connection.query("SELECT support.resolve_user($1)", [reference]).single().decode(Int64.self, at: 0)
    }

    /// One member in full (one recorded look-up).
    public func detail(memberID: Int64) throws -> MemberDetail {
        try detail(lookup: try requestDetail(memberID: memberID))
    }

    /// One member in full and their latest events, as one recorded look-up (what `show` needs).
    public func detailAndEvents(memberID: Int64, eventLimit: Int) throws -> (MemberDetail, [AuditEvent]) {
        let lookup = try requestDetail(memberID: memberID)
        let detail = try detail(lookup: lookup)
        guard eventLimit != 0 else { return (detail, []) }
        return (detail, try events(lookup: lookup, limit: eventLimit))
    }

    /// As `detailAndEvents`, with the review state of the member's queue items and their
    /// requested disables (what `show` tells about oversight), still one recorded look-up.
    public func detailEventsAndOversight(memberID: Int64, eventLimit: Int) throws -> (MemberDetail, [AuditEvent], MemberOversight) {
        let lookup = try requestDetail(memberID: memberID)
        let detail = try detail(lookup: lookup)
        let events = eventLimit == 0 ? [] : try events(lookup: lookup, limit: eventLimit)
        return (detail, events, try oversight(lookup: lookup))
    }

    /// A member's most recent events, newest first (one recorded look-up).
    public func events(memberID: Int64, limit: Int = 10) throws -> [AuditEvent] {
        try events(lookup: try requestDetail(memberID: memberID), limit: limit)
    }

    private func requestDetail(memberID: Int64) throws -> Int64 {
        try recordedID(connection.query("SELECT support.request_detail($1::bigint)", [memberID]))
    }

    private func events(lookup: Int64, limit: Int) throws -> [AuditEvent] {
        try connection.query("SELECT * FROM support.user_events($1::bigint, $2::int)", [lookup, limit]).rows.map(Self.event)
    }

    private func detail(lookup: Int64) throws -> MemberDetail {
        let row = try connection.query("SELECT * FROM support.user_detail($1::bigint)", [lookup]).single()
        var detail = MemberDetail(
            memberID: try row.decode(Int64.self, column: "member_id"),
            email: try row.decode(String.self, column: "email"),
            name: try row.decode(String.self, column: "name"),
            phone: try row.decode(String?.self, column: "phone"),
            role: try Self.shape(row, "role"),
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
        detail.codeClock = try codeClock(lookup: lookup)
        detail.notifications = try notifications(lookup: lookup)
        detail.suspensions = try suspensions(lookup: lookup)
        detail.recentTrouble = try recoveryTrouble(lookup: lookup)
        detail.readiness = try disableReadiness(lookup: lookup)
        return detail
    }

    private func disableReadiness(lookup: Int64) throws -> DisableReadiness {
        let row = try connection.query("SELECT * FROM support.user_disable_readiness($1::bigint)", [lookup]).single()
        return DisableReadiness(
            noMatch: try row.decode(String?.self, column: "no_match"),
            needsEmailCode: try row.decode(Bool.self, column: "needs_email_code"),
            emailCodeReady: try row.decode(Bool.self, column: "email_code_ready"))
    }

    private func recoveryTrouble(lookup: Int64) throws -> RecoveryTrouble {
        let row = try connection.query("SELECT * FROM support.user_recovery_trouble($1::bigint)", [lookup]).single()
        return RecoveryTrouble(
            lockedAt: try row.decode(PGTimestamp?.self, column: "locked_at"),
            lockEndsAt: try row.decode(PGTimestamp?.self, column: "lock_ends_at"),
            liftedBy: try row.decode(String?.self, column: "lifted_by"),
            wrongCodes: try row.decode(Int.self, column: "wrong_codes"),
            windowStart: try row.decode(PGTimestamp.self, column: "window_start"))
    }

    private func codeClock(lookup: Int64) throws -> CodeClock {
        let row = try connection.query("SELECT * FROM support.user_clock($1::bigint)", [lookup]).single()
        return CodeClock(
            failedCodes: try row.decode(Int.self, column: "failed_codes"),
            matchedCodes: try row.decode(Int.self, column: "matched_codes"),
            offsetSeconds: try row.decode(Int?.self, column: "offset_seconds"),
            lastFailedAt: try row.decode(PGTimestamp?.self, column: "last_failed_at"),
            acceptedOffsetSeconds: try row.decode(Int?.self, column: "accepted_offset_seconds"))
    }
}
