import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// What `show` says about oversight: requested disables (pending until when, or when they went
    /// through) and the review state of the member's queue items.
    func oversightLines(_ oversight: MemberOversight) -> [HumanBlock] {
        var lines: [HumanBlock] = []
        for request in oversight.requests {
            let text: ConsoleText = switch request.state {
            case .pending: "⏳ Disable request #\(request.request) by \(request.requestedBy) waits for a second approver until \(times.deadline(request.expiresAt))."
            case .approved: "Disable request #\(request.request) by \(request.requestedBy) went through at \(request.decidedAt.map(times.absolute) ?? "?"), approved by \(request.decidedBy ?? "?") (event #\(request.disableEvent.map { String($0) } ?? "?"))."
            case .rejected: "Disable request #\(request.request) by \(request.requestedBy) was rejected by \(request.decidedBy ?? "?") at \(request.decidedAt.map(times.absolute) ?? "?")."
            case .expired: "Disable request #\(request.request) by \(request.requestedBy) expired at \(times.absolute(request.expiresAt)) without approval."
            }
            lines.append(.line(text, request.state == .pending ? .warning : .muted))
        }
        for review in oversight.reviews {
            let text: ConsoleText = if let verdict = review.verdict {
                "Review of #\(review.item) (\(review.action.rawValue)): \(verdict.rawValue) by \(review.reviewer ?? "?") at \(review.reviewedAt.map(times.absolute) ?? "?")."
            } else {
                "Review of #\(review.item) (\(review.action.rawValue)): pending."
            }
            lines.append(.line(text, review.verdict == .concern ? .warning : .muted))
        }
        return lines
    }

    /// A member's queue item's review state as scripts see it in `show`.
    static let itemReviewShape = RecordShape<ItemReviewState>([
        .integer("item") { $0.item },
        .time("occurred_at") { $0.occurredAt },
        .name("action") { $0.action },
        .text("state") { $0.verdict?.rawValue ?? "pending" },
        .text("reviewer") { $0.reviewer },
        .time("reviewed_at") { $0.reviewedAt },
    ])
}
