public import DeskDatabase
import Foundation
import PGClient

/// Dual control: disables the policy holds for a second approver. The database decides which
/// disables wait, who may approve (never the requester) and until when.
extension SupportAPI {
    /// Approves another agent's requested disable; returns the disable event it carried out.
    public func approveDisable(request: Int64, note: String?) throws -> AuditEvent {
        try Self.event(try connection.query(
            "SELECT * FROM support.approve_disable($1::bigint, $2)", [request, note]).single())
    }

    /// Ends a requested disable without doing it; returns the `disable_rejected` event.
    public func rejectDisable(request: Int64, note: String) throws -> AuditEvent {
        try Self.event(try connection.query(
            "SELECT * FROM support.reject_disable($1::bigint, $2)", [request, note]).single())
    }

    /// Requested disables, newest first: an agent's own, or everyone's for a supervisor;
    /// pending ones only unless `all`.
    public func disableRequests(all: Bool, limit: Int = 50) throws -> [DisableRequest] {
        try connection.query("SELECT * FROM support.disable_requests($1::boolean, $2::int)", [all, limit])
            .rows.map(Self.disableRequest)
    }

    /// Which disables wait for a second approver, and for how long an approval may come.
    public func approvalPolicy() throws -> (policy: ApprovalPolicy, windowSeconds: Int) {
        let row = try connection.query("SELECT required_for, window_seconds FROM support.approval_policy()").single()
        return (try Self.shape(row, "required_for"), try row.decode(Int.self, column: "window_seconds"))
    }

    /// The member's queue items and requested disables, with the recorded look-up of `show`.
    func oversight(lookup: Int64) throws -> MemberOversight {
        let reviews = try connection.query("SELECT * FROM support.user_reviews($1::bigint)", [lookup]).rows.map { row in
            ItemReviewState(
                item: try row.decode(Int64.self, column: "item"),
                occurredAt: try row.decode(PGTimestamp.self, column: "occurred_at"),
                action: try Self.shape(row, "action"),
                verdict: try Self.optionalShape(row, "verdict"),
                reviewer: try row.decode(String?.self, column: "reviewer"),
                reviewedAt: try row.decode(PGTimestamp?.self, column: "reviewed_at"))
        }
        let requests = try connection.query("SELECT * FROM support.user_requests($1::bigint)", [lookup])
            .rows.map(Self.disableRequest)
        return MemberOversight(reviews: reviews, requests: requests)
    }

    static func disableRequest(_ row: PGRow) throws -> DisableRequest {
        DisableRequest(
            request: try row.decode(Int64.self, column: "request"),
            requestedAt: try row.decode(PGTimestamp.self, column: "requested_at"),
            expiresAt: try row.decode(PGTimestamp.self, column: "expires_at"),
            requestedBy: try row.decode(String.self, column: "requested_by"),
            target: try row.decode(String.self, column: "target"),
            accountNumber: try row.decode(String?.self, column: "account_number"),
            action: try shape(row, "action"),
            reason: try row.decode(String.self, column: "reason"),
            ticket: try row.decode(String.self, column: "ticket"),
            state: try shape(row, "state"),
            decidedBy: try row.decode(String?.self, column: "decided_by"),
            decidedAt: try row.decode(PGTimestamp?.self, column: "decided_at"),
            disableEvent: try row.decode(Int64?.self, column: "disable_event"))
    }
}
