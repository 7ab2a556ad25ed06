import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `send-code USER`: mails the member a 6-digit code for the second channel. The console
    /// never sees the code; it says where it went and until when it works.
    func sendCode(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let target = try member(named: command)
        let sent = try database { try api.sendEmailCode(memberID: target.id) }
        state.emailCodesSent.insert(target.id)
        var report = CommandReport(command: command.name)
        report.fields.add("member_id", target.id)
        report.fields.add("recipient", sent.recipient)
        report.fields.add("expires_at", sent.expiresAt)
        report.human = [
            .line("✓ A 6-digit code is on its way to \(sent.recipient), valid until \(times.deadline(sent.expiresAt)).", .success),
            .line("Ask the caller to read it from that mail, then: verify \(target.label) --email-code CODE", .plain),
        ]
        return report
    }

    /// Right after a match, when the policy wants an emailed code for this member too: offers
    /// to send it now (Enter says yes), then asks for it, again after a wrong one while the code
    /// has tries left. Nil when the agent chose not to send it now.
    func secondChannelNow(memberID: Int64, who: String) throws(ConsoleFailure) -> EmailCodeOutcome? {
        say([.line("Recovery code accepted. The policy (second_channel_for) wants a code from \(who)'s mail as well.", .plain)])
        guard let send = yes("Mail a 6-digit code to the address on file now? [Y/n] ", byDefault: true) else { throw ConsoleFailure.cancelledQuestion }
        guard send else { return nil }
        let sent = try database { try api.sendEmailCode(memberID: memberID) }
        state.emailCodesSent.insert(memberID)
        say([.line("✓ A 6-digit code is on its way to \(sent.recipient), valid until \(times.deadline(sent.expiresAt)).", .success)])
        while true {
            guard let code = ask("Code from the member's mail: ") else { throw ConsoleFailure.cancelledQuestion }
            let outcome = try database { try api.presentEmailCode(memberID: memberID, code: code) }
            guard outcome == .mismatch else { return outcome }
            say([.line("✗ \(Self.emailCodeSentence(outcome, who: who)).", .danger)])
        }
    }

    /// The emailed code for `verify`: the flag, or asked for when this session sent one.
    func emailCode(_ command: ParsedCommand, memberID: Int64) throws(ConsoleFailure) -> String? {
        if let code = command.option("email-code") { return code }
        guard interactive, state.emailCodesSent.contains(memberID) else { return nil }
        guard let answer = ask("Code from the member's mail: ") else { throw ConsoleFailure.cancelledQuestion }
        return answer
    }

    /// What `verify` says when the emailed code was not the one sent.
    static func emailCodeSentence(_ outcome: EmailCodeOutcome, who: String) -> String {
        switch outcome {
        case .match: "the emailed code matches"
        case .mismatch: "the emailed code is wrong — ask the caller to read it again from the latest mail (5 tries per code)"
        case .expired: "the emailed code has expired or a newer one was sent — run send-code \(who) again"
        case .exhausted: "the emailed code has had its tries — run send-code \(who) for a new one"
        case .noCode: "no code was mailed to \(who) — run send-code \(who) first"
        }
    }
}
