import PGClient
import Foundation
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import ProcessTesting
import TestSupport
import TOTPCore

/// The people every transcript talks about, created the same way on each fresh database so
/// ids, sequence numbers and output are the same run after run.
struct TranscriptWorld {
    let fixture: PortalFixture
    /// Enrolled members by short name (jane, priya, chloe), with their recovery codes.
    let enrolled: [String: EnrolledMember]
    /// The agent and supervisor login roles (unique in the cluster, so replaced in output).
    let agent: String
    let supervisor: String
    /// A second supervisor, for dual control (approving another's request, reviewing another's action).
    let secondSupervisor: String

    init(_ fixture: PortalFixture) throws {
        self.fixture = fixture
        try fixture.customer("MS-10442", name: "Acme Hosting Ltd")
        try fixture.customer("NW-20417", name: "Northwind Traders")
        let jane = try fixture.enrolledMember("jane@acme.example", name: "Jane Doe", role: .administrator, phone: "+44 20 7946 0958")
        // Jane is an administrator; this is not a test of the second channel (SecondChannelTests).
        try fixture.setSecondChannel(.nobody)
        try fixture.member("john@acme.example", name: "John Smith", phone: "+44 20 7946 0011")
        let priya = try fixture.enrolledMember("priya@acme.example", name: "Priya Patel")
        try fixture.member("mallory@acme.example", name: "Mallory \u{1B}[2J\u{202E}evil")
        try fixture.member("formula@acme.example", name: "=HYPERLINK(\"http://x.example\")")
        let olivia = try fixture.enrolledMember("olivia@northwind.example", account: "NW-20417", name: "Olivia Brown", role: .administrator)
        let chloe = try fixture.enrolledMember("chloe@northwind.example", account: "NW-20417", name: "Chloé Martin")
        _ = try fixture.portal.setMandatory(account: "NW-20417", administratorEmail: olivia.email, on: true)
        enrolled = ["jane": jane, "priya": priya, "chloe": chloe, "olivia": olivia]
        agent = try Self.role(fixture, "kim", supervisor: false)
        supervisor = try Self.role(fixture, "sam", supervisor: true)
        secondSupervisor = try Self.role(fixture, "ria", supervisor: true)
    }

    private static func role(_ fixture: PortalFixture, _ base: String, supervisor: Bool) throws -> String {
        let api = try fixture.agent(base, supervisor: supervisor)
        defer { api.connection.close() }
        return try api.whoami().agent
    }

    /// Input with `{jane.code1}`, `{jane.code1.misheard}`, `{wrong.code}`, `{agent}` replaced.
    func expand(_ line: String) -> String {
        var text = line.replacingOccurrences(of: "{agent}", with: agent).replacingOccurrences(of: "{supervisor}", with: supervisor)
            .replacingOccurrences(of: "{second}", with: secondSupervisor)
        while let open = text.range(of: "{"), let close = text.range(of: "}", range: open.upperBound..<text.endIndex) {
            let key = String(text[open.upperBound..<close.lowerBound])
            text.replaceSubrange(open.lowerBound..<close.upperBound, with: value(for: key))
        }
        return text
    }

    private func value(for key: String) -> String {
        let parts = key.split(separator: ".").map(String.init)
        if key == "wrong.code" { return Self.wrongCode.grouped }
        guard parts.count >= 2, let member = enrolled[parts[0]], parts[1].hasPrefix("code"),
              let index = Int(parts[1].dropFirst(4)), index >= 1, index <= member.recoveryCodes.count else {
            return "{\(key)?}"
        }
        let code = member.recoveryCodes[index - 1].grouped
        return parts.count == 3 && parts[2] == "misheard" ? Self.misheard(code) : code
    }

    /// A well-formed code that belongs to nobody (fixed, so a test can be repeated).
    static let wrongCode = try! RecoveryCode(parsing: "7K3M-QX9D-P2RA-4WT" + String(checkSymbol(for: "7K3MQX9DP2RA4WT")))

    private static func checkSymbol(for prefix: String) -> Character {
        // Try each symbol until one parses: whichever it is, it is the Luhn mod 32 check symbol.
        for symbol in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" where (try? RecoveryCode(parsing: prefix + String(symbol))) != nil {
            return symbol
        }
        fatalError("no check symbol")
    }

    /// The code with its first symbol changed: what a misheard letter looks like.
    private static func misheard(_ code: String) -> String {
        let first = code.first!
        return String(first == "A" ? "B" : "A") + code.dropFirst()
    }
}
