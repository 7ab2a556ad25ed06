import DeskDatabase
import SupportClient
import TOTPCore

extension CommandRunner {
    /// `verify USER [CODE]`: checks a recovery code read over the phone. Anything but a match is
    /// a failed command, so a script stops before it tries to disable.
    func verify(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let target = try member(named: command)
        var code = command.positionals.dropFirst().joined(separator: " ")
        var who = target.label
        var detail: MemberDetail?
        let asked = code.isEmpty
        if asked {
            guard interactive || readCode != nil else {
                throw .usage("verify needs the CODE in a script on standard input: verify USER CODE (with -c or -f, a missing CODE is read from standard input)")
            }
            detail = try readyToAsk(target.id)
            who = detail.map { "\($0.email) (\($0.name))" } ?? who
            code = try codeNotGiven()
        }
        guard code.contains(where: { !$0.isWhitespace }) else { throw .usage("no code was entered") }

        var report = CommandReport(command: command.name)
        if interactive {
            report.human.append(.line("Read back to the caller: \(Self.readBack(code))", .plain))
        }
        var check = try database { try api.verify(memberID: target.id, code: code) }
        // A misheard character costs nothing: at the terminal the caller simply reads it again.
        while check.outcome == .malformed, asked, interactive {
            say(report.human + [.line("✗ \(Self.capitalised(Self.misheardSentence(code))).", .danger)])
            guard let again = ask("Recovery code, read again: ") else { throw ConsoleFailure.cancelledQuestion }
            guard again.contains(where: { !$0.isWhitespace }) else { throw .usage("no code was entered") }
            code = again
            report.human = [.line("Read back to the caller: \(Self.readBack(code))", .plain)]
            check = try database { try api.verify(memberID: target.id, code: code) }
        }
        report.fields.add("member_id", target.id)
        report.fields.add("outcome", check.outcome.rawValue)
        report.fields.add("attempts_left", check.attemptsLeft.map(Int64.init))
        report.fields.add("locked_until", check.lockedUntil)
        report.fields.add("locked_scope", check.lockedScope)
        report.fields.add("usable_until", check.usableUntil)

        switch check.outcome {
        case .match:
            if let emailed = try emailCode(command, memberID: target.id) {
                let outcome = try database { try api.presentEmailCode(memberID: target.id, code: emailed) }
                report.fields.add("email_code_outcome", outcome.rawValue)
                guard outcome == .match else {
                    report.failure = .refused("recovery code accepted, but \(Self.emailCodeSentence(outcome, who: who))")
                    return report
                }
            } else if interactive {
                // The policy wants the mailed code too: offered now, not refused at the disable.
                let member: MemberDetail
                if let detail { member = detail } else { member = try database { try api.detail(memberID: target.id) } }
                if member.readiness?.emailCodeMissing == true {
                    say(report.human)
                    report.human = []
                    let outcome = try secondChannelNow(memberID: target.id, who: member.email)
                    report.fields.add("email_code_outcome", outcome?.rawValue)
                    guard outcome == .match else {
                        report.failure = .refused("recovery code accepted, but " + (outcome.map { Self.emailCodeSentence($0, who: member.email) }
                            ?? "\(member.email)'s disable also needs the code from their mail: disable-2fa offers to send it"))
                        return report
                    }
                }
            }
            let until = check.usableUntil.map { " until \(times.deadline($0))" } ?? ""
            report.human.append(.line("✓ Code accepted for \(who): disable-2fa is allowed\(until).", .success))
        case .mismatch:
            report.failure = .refused(mismatchSentence(check, who: who))
        case .locked:
            report.failure = .refused(lockedSentence(check, who: who))
        case .malformed:
            report.failure = .refused(Self.misheardSentence(code))
        case .notEnrolled:
            report.failure = .refused("\(who) has no active 2FA: there is nothing to verify or disable")
        }
        return report
    }

    /// Before the caller is asked to read a code: the member (named by email and name from here
    /// on), and whether a code could be checked at all now. A member without active 2FA, a member
    /// whose recovery is locked, or an agent who is locked is said so at once, not after the caller
    /// has read 16 characters. One recorded look-up, as `show` makes.
    private func readyToAsk(_ memberID: Int64) throws(ConsoleFailure) -> MemberDetail {
        let detail = try database { try api.detail(memberID: memberID) }
        let who = "\(detail.email) (\(detail.name))"
        guard detail.twoFactor == .active else {
            throw .refused("\(who) has no active 2FA: there is nothing to verify or disable. Nothing was checked")
        }
        if let until = detail.lockedUntil {
            throw .refused("recovery for \(who) is locked until \(times.deadline(until)) after too many wrong codes; a supervisor can lift it with unlock. Nothing was checked")
        }
        if let until = try database({ try api.whoami() }).lockedUntil {
            throw .refused("you are locked out of code checks until \(times.deadline(until)) after too many mismatches across members; a supervisor can lift it with \(unlockMe). Nothing was checked")
        }
        // Whose code the caller is about to read, said before the question.
        if interactive { say([.line("A recovery code of \(who), \(detail.customerName) (\(detail.accountNumber)):", .plain)]) }
        return detail
    }

    /// The command a supervisor runs to lift this agent's own lock, for the sentences that say so.
    private var unlockMe: String { "unlock --agent \(state.identity?.agent ?? "YOUR-NAME")" }

    /// The code when `verify USER` leaves it out: asked for at the terminal, or read from stdin
    /// in a `-c`/`-f` script, so it reaches neither the history nor the arguments `ps` shows.
    private func codeNotGiven() throws(ConsoleFailure) -> String {
        let question = "Recovery code read by the caller: "
        if interactive {
            guard let answer = ask(question) else { throw ConsoleFailure.cancelledQuestion }
            return answer
        }
        guard let readCode else {
            throw .usage("verify needs the CODE in a script on standard input: verify USER CODE (with -c or -f, a missing CODE is read from standard input)")
        }
        guard let line = readCode(question) else {
            throw .usage("no code on standard input for verify (one line for each verify without a CODE)")
        }
        return line
    }

    private func mismatchSentence(_ check: RecoveryCheck, who: String) -> String {
        if let until = check.lockedUntil, check.lockedScope == .agent {
            return "code rejected — too many mismatches across members: you (not \(who)) are locked out of code checks until \(times.deadline(until)); a supervisor can lift it with \(unlockMe)"
        }
        if let until = check.lockedUntil {
            return "code rejected — too many wrong codes: recovery for \(who) is locked until \(times.deadline(until)); a supervisor can lift it with unlock"
        }
        let left = check.attemptsLeft ?? 0
        let lock = state.policy.map { " before recovery is locked for \(TimeText.spoken(seconds: $0.userLockSeconds))" } ?? " before recovery is locked"
        return "code rejected for \(who) — \(left) attempt\(left == 1 ? "" : "s") left\(lock)"
    }

    private func lockedSentence(_ check: RecoveryCheck, who: String) -> String {
        let until = check.lockedUntil.map { " until \(times.deadline($0))" } ?? ""
        if check.lockedScope == .agent {
            return "you are locked out of code checks\(until) after too many mismatches across members (\(who) is not locked); a supervisor can lift it with \(unlockMe)"
        }
        return "recovery for \(who) is locked\(until) after too many wrong codes; a supervisor can lift it with unlock"
    }

    /// Why the code cannot be one of the member's, without charging an attempt.
    static func misheardSentence(_ code: String) -> String {
        let why: String
        do {
            _ = try RecoveryCode(parsing: code)
            why = "that is not a recovery code"
        } catch .misheardCharacter {
            why = "misheard character — the check character does not match"
        } catch .wrongLength(let count) {
            why = "that was \(count) characters; a recovery code has \(RecoveryCode.length)"
        } catch {
            why = error.description
        }
        return "\(why). Not counted; ask the caller to read the code again"
    }

    /// The code as the console understood it, in groups of four, to read back to the caller
    /// (`RecoveryCode.readBack`: the same reading the check makes).
    static func readBack(_ code: String) -> String { RecoveryCode.readBack(code) }
}
