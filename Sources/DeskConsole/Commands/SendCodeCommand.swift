import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `send-code USER`: mails the member a 6-digit code for the second channel. The console
    /// never sees the code; it says where it went and until when it works.
    func sendCode(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let target = try member(named: command)
        let (sent, line) = try mailCode(memberID: target.id)
        var report = CommandReport(command: command.name)
        report.fields.add("member_id", target.id)
        report.fields.add("recipient", sent.recipient)
        report.fields.add("expires_at", sent.expiresAt)
        report.human = [line, .line("Ask the caller to read it from that mail, then: verify \(target.label) --email-code CODE", .plain)]
        return report
    }

    /// Mails the code and remembers that this session did (so `verify` asks for it), with the
    /// line that says where it went: `send-code` and the offer after a match send the same way.
    private func mailCode(memberID: Int64) throws(ConsoleFailure) -> (EmailCodeSent, HumanBlock) {
        let sent = try database { try api.sendEmailCode(memberID: memberID) }
        state.emailCodesSent.insert(memberID)
        return (sent, .line("✓ A 6-digit code is on its way to \(sent.recipient), valid until \(times.deadline(sent.expiresAt)).", .success))
    }

    /// When the policy wants an emailed code for this member and the agent has not presented
    /// one (right after a match, or before a disable's questions): offers to send it (Enter says
    /// yes) unless this session sent one already, then asks for it, again after a wrong one while
    /// the code has tries left. Nil when the agent chose not to send it now. Ctrl-C says what
    /// did happen by then: the match is recorded, and a mail may be on its way.
    func secondChannelNow(memberID: Int64, who: String, alreadySent: Bool = false) throws(ConsoleFailure) -> EmailCodeOutcome? {
        var mailed = alreadySent
        if !alreadySent {
            say([.line("The policy (second_channel_for) also wants the code mailed to \(who).", .plain)])
            guard let send = yes("Mail a 6-digit code to the address on file now? [Y/n] ", byDefault: true) else {
                throw ConsoleFailure(.cancelled, message: "cancelled: no code was mailed, and nothing was disabled")
            }
            guard send else { return nil }
            say([try mailCode(memberID: memberID).1])
            mailed = true
        }
        while true {
            guard let code = ask("Code from the member's mail: ") else {
                throw ConsoleFailure(.cancelled, message: "cancelled: \(mailed ? "a code was mailed, but " : "")nothing was disabled; "
                                     + "disable-2fa asks for the mailed code again")
            }
            let outcome = try database { try api.presentEmailCode(memberID: memberID, code: code) }
            guard outcome == .mismatch else { return outcome }
            say([.line("✗ \(Self.capitalised(Self.emailCodeSentence(outcome, who: who))).", .danger)])
        }
    }

    /// A sentence of the console's own that starts with a small letter, as a line of its own.
    static func capitalised(_ sentence: String) -> String { sentence.prefix(1).uppercased() + sentence.dropFirst() }

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
