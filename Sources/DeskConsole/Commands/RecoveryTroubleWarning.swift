import Foundation
import PGClient
import SupportClient

extension CommandRunner {
    /// The member's recovery trouble of the last 24 hours as scripts see it (`show`, `disable-2fa`).
    static let troubleShape = RecordShape<RecoveryTrouble>([
        .integer("wrong_codes_24h") { Int64($0.wrongCodes) },
        .time("locked_at") { $0.lockedAt },
        .time("lock_ends_at") { $0.lockEndsAt },
        .text("lifted_by") { $0.liftedBy },
    ])

    /// The warning before a disable's y/N (and in `show`) when the member's recovery was locked
    /// or wrong codes were read for them in the last 24 hours: five wrong codes and then a right
    /// one is what a caller guessing their way in looks like, and the agent is the one who can
    /// still call back the number on file. The supervisors' review flags the same disable later.
    func troubleWarning(_ detail: MemberDetail) -> ConsoleText? {
        guard let trouble = detail.recentTrouble, !trouble.isEmpty else { return nil }
        var warning: ConsoleText = "⚠"
        if let lockedAt = trouble.lockedAt {
            let end: ConsoleText = switch (trouble.lockEndsAt, trouble.liftedBy) {
            case (let end?, let lifter?): "; \(lifter) lifted the lock at \(times.absolute(end))"
            case (let end?, nil) where end.date > times.now(): "; it stays locked until \(times.absolute(end))"
            case (let end?, nil): "; the lock ran out at \(times.absolute(end))"
            case (nil, _): ""
            }
            warning = "\(warning) Recovery for \(detail.email) was locked at \(times.deadline(lockedAt)) after too many wrong codes\(end)."
        }
        if trouble.wrongCodes > 0 {
            let codes: ConsoleText = trouble.wrongCodes == 1 ? "1 wrong code was" : "\(trouble.wrongCodes) wrong codes were"
            warning = "\(warning) \(codes) read for \(detail.email) in the last 24 hours."
        }
        return "\(warning) A caller guessing codes looks like this: be sure it is the member (call back the number on file); the review queue flags such a disable."
    }
}
