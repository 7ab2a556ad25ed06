import Foundation
import PGClient
import DeskDatabase
import SupportClient

extension CommandRunner {
    /// `log [filters]` (supervisors): the audit log, newest first.
    func log(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        var filter = AuditLogFilter(limit: try number(command, "limit", default: 50))
        filter.since = try command.option("since").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "since", times: times) }
        filter.until = try command.option("until").map { text throws(ConsoleFailure) in try TimeArgument.parse(text, flag: "until", times: times, endOfDay: true) }
        filter.agent = command.option("agent")
        filter.account = command.option("customer")
        filter.email = command.option("user")
        filter.action = try command.option("action").map { name throws(ConsoleFailure) in
            guard let action = AuditAction(rawValue: name) else {
                throw .usage("--action must be one of: \(AuditAction.names.joined(separator: ", "))")
            }
            return action
        }
        if command.option("before") != nil {
            filter.beforeSeq = Int64(try number(command, "before", default: 1))
        }
        // A page may be 10,000 long events: they stream from the server into a spool, one row in
        // memory at a time, and are written from there once all have arrived.
        let spool = RowSpool(format: format)
        var oldest: Int64?
        try database {
            try api.forEachAuditEvent(filter) { event throws(ConsoleFailure) in
                try spool.append(eventRecord(event), cells: format == .table ? eventCells(event, withTarget: true) : [])
                oldest = event.seq
            }
        }
        try spool.finish()
        // A full page may have more behind it: say how to see the next one.
        let nextBefore = spool.count == filter.limit ? oldest : nil

        var report = CommandReport(command: command.name)
        report.fields.add("count", Int64(spool.count))
        if let nextBefore { report.fields.add("next_before", nextBefore) }
        report.fields.add("events", .records([]))
        report.rowsKey = "events"
        report.rowColumns = Self.eventShape.keys
        report.spool = spool
        if wantsHuman && format == .table {
            report.human = [spool.count == 0
                ? .line("No events match.", .muted)
                : .spooledTable(headers: Self.eventHeaders(withTarget: true), spool: spool, footer: Self.eventFooter(spool.count))]
            if let nextBefore {
                report.human.append(.line("The page is full: the same command with --before \(nextBefore) shows the events before these.", .muted))
            }
        }
        return report
    }

    /// `log verify [--anchor FILE [--public-key FILE]]`: recomputes the whole chain here, one
    /// event at a time, as it streams in; a signed anchor's signature is checked first.
    func verifyLog(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        let signed = try command.option("anchor").map { path throws(ConsoleFailure) in try Self.readAnchor(path) }
        let trusted = try command.option("public-key").map { path throws(ConsoleFailure) in try Self.readPublicKey(path) }
        if trusted != nil && signed == nil { throw .usage("--public-key checks an anchor's signature: give --anchor FILE too") }
        let signer: AnchorPublicKey?
        do {
            signer = try signed?.checkSignature(trusting: trusted)
        } catch {
            throw .refused("the anchor is refused: \(error)")
        }
        let anchor = signed?.anchor
        let (head, staged) = try database { try api.chainState() }
        var verifier = AuditChainVerifier(head: head, anchor: anchor)
        var problem: AuditChainProblem?
        try database {
            do { try api.verifyChain(&verifier) } catch let found as AuditChainProblem { problem = found }
        }
        let checked: Int64
        do throws(AuditChainProblem) {
            if let problem { throw problem }
            checked = try verifier.finish()
        } catch {
            throw .refused("the audit log does not verify: \(error.description)")
        }
        var report = CommandReport(command: command.name)
        report.fields.add("verified", true)
        report.fields.add("events", checked)
        report.fields.add("staged", Int64(staged))
        report.fields.add("head_seq", head.seq)
        report.fields.add("head_hash", head.hexHash)
        report.fields.add("anchor_seq", anchor?.seq)
        report.fields.add("anchor_signed_by", signer?.base64)
        report.fields.add("signer_trusted", trusted != nil)
        report.human = [.line("✓ The audit log verifies: \(checked) event\(checked == 1 ? "" : "s") recomputed here, head #\(head.seq) \(head.hexHash.prefix(16))….", .success)]
        if let anchor {
            report.human.append(.line("✓ The saved anchor (event #\(anchor.seq)) is part of it: nothing up to there was rewritten.", .success))
        }
        if let signer {
            report.human.append(trusted != nil
                ? .line("✓ The anchor is signed by the key given (\(signer.base64.prefix(12))…).", .success)
                : .line("The anchor is signed by key \(signer.base64.prefix(12))…; give --public-key to check that it is the key you trust.", .warning))
        }
        if staged > 0 {
            report.human.append(.line(
                "\(staged) newer event\(staged == 1 ? " is" : "s are") staged and not chained yet (is `portal chain` running?); they are in `log` but not in this verification.",
                .warning))
        }
        return report
    }

    /// `log anchor [--sign KEYFILE]`: the head, as a line to keep outside the database, signed
    /// when a key is given; `log anchor --new-key FILE` makes a signing key instead.
    func anchor(_ command: ParsedCommand) throws(ConsoleFailure) -> CommandReport {
        if let path = command.option("new-key") {
            guard command.option("sign") == nil else { throw .usage("--new-key makes a key; sign with it afterwards (--sign \(path))") }
            return try newKey(command, path: path)
        }
        let key = try command.option("sign").map { path throws(ConsoleFailure) in try Self.readSigningKey(path) }
        let head: AuditAnchor
        if key != nil {
            // Only a head that verifies here is signed: a signature vouches for what it covers.
            head = try verifiedHead()
        } else {
            head = try database { try api.chainHead() }
        }
        let signed: SignedAuditAnchor
        do {
            signed = try key.map { try $0.sign(head) } ?? SignedAuditAnchor(anchor: head, signature: nil)
        } catch {
            throw .refused("cannot sign the anchor: \(error)")
        }
        var report = CommandReport(command: command.name)
        report.fields.add("seq", head.seq)
        report.fields.add("hash", head.hexHash)
        report.fields.add("anchor", signed.description)
        report.fields.add("public_key", signed.signature?.publicKey.base64)
        report.human = signed.description.split(separator: "\n").map { HumanBlock.line("\(String($0))", .plain) }
        return report
    }

    /// The chain head after recomputing every link up to it.
    private func verifiedHead() throws(ConsoleFailure) -> AuditAnchor {
        let head = try database { try api.chainHead() }
        var verifier = AuditChainVerifier(head: head)
        var problem: AuditChainProblem?
        try database {
            do { try api.verifyChain(&verifier) } catch let found as AuditChainProblem { problem = found }
        }
        do throws(AuditChainProblem) {
            if let problem { throw problem }
            _ = try verifier.finish()
        } catch {
            throw .refused("the head is not signed: the audit log does not verify: \(error.description)")
        }
        return head
    }

    /// `log anchor --new-key FILE`: a new Ed25519 key in FILE (0600) and its public half in
    /// FILE.pub (0644); neither may exist already.
    private func newKey(_ command: ParsedCommand, path: String) throws(ConsoleFailure) -> CommandReport {
        let publicPath = path + ".pub"
        if KeyFiles.exists(path) { throw .usage("\(path) exists: a key file is never overwritten") }
        if KeyFiles.exists(publicPath) { throw .usage("\(publicPath) exists: a key file is never overwritten") }
        let key = AnchorSigningKey()
        try KeyFiles.create(path, text: key.text, mode: 0o600)
        try KeyFiles.create(publicPath, text: key.publicKey.text, mode: 0o644)
        var report = CommandReport(command: command.name)
        report.fields.add("key_file", path)
        report.fields.add("public_key_file", publicPath)
        report.fields.add("public_key", key.publicKey.base64)
        report.human = [
            .line("A new signing key is in \(path) (only you may read it; keep it off the database's machines).", .success),
            .line("Its public key, for log verify --public-key, is in \(publicPath): \(key.publicKey.base64)", .plain),
        ]
        return report
    }

    /// The longest file taken for an anchor: two lines of about 110 and 160 bytes; room for blank space.
    static let anchorFileLimit = KeyFiles.limit

    /// Reads an anchor file (an anchor line, and its signature line when signed).
    static func readAnchor(_ path: String) throws(ConsoleFailure) -> SignedAuditAnchor {
        let text = try KeyFiles.read(path, what: "anchor file")
        do {
            return try SignedAuditAnchor(text: text)
        } catch {
            throw .usage("\(path): \(error.description)")
        }
    }

    /// Reads the key an anchor must be signed by (a public key file, or the signing key's).
    static func readPublicKey(_ path: String) throws(ConsoleFailure) -> AnchorPublicKey {
        let text = try KeyFiles.read(path, what: "key file")
        do {
            return try AnchorPublicKey(text: text)
        } catch {
            throw .usage("\(path): \(error.description)")
        }
    }

    /// Reads a signing key (refused when others may read its file).
    static func readSigningKey(_ path: String) throws(ConsoleFailure) -> AnchorSigningKey {
        let text = try KeyFiles.readPrivate(path)
        do {
            return try AnchorSigningKey(text: text)
        } catch {
            throw .usage("\(path): \(error.description)")
        }
    }
}
