import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport
import TOTPCore

/// The database reads recovery codes itself (it hashes them), so it implements the rule that
/// `RecoveryCode(parsing:)` owns. These tests hold the two equal: the same separators, the same
/// case folding, the same cap on length, on every kind of input a caller or a paste can give.
@Suite struct RecoveryCodeRuleTests {
    /// What the database makes of each input (nil where it refuses), in one round trip.
    static func databaseReading(_ inputs: [String], _ connection: PGConnection) throws -> [String?] {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: inputs), as: UTF8.self)
        return try connection.query("""
            SELECT portal.normalise_recovery_code(x) FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(x, n) ORDER BY n
            """, [json]).rows.map { try $0.decode(String?.self, at: 0) }
    }

    @Test func theSeparatorsAreTheSameScalars() throws {
        try withPortalFixture { fixture in
            let database = Set(try fixture.connection.query(
                "SELECT ascii(c) FROM regexp_split_to_table(portal.recovery_code_separators(), '') AS c").rows
                .map { UInt32(try $0.decode(Int.self, at: 0)) })
            let swift = Set((0...0x10FFFF as ClosedRange<UInt32>).compactMap(Unicode.Scalar.init)
                .filter(RecoveryCode.isSeparator).map(\.value))
            #expect(database == swift, "only in the database: \(database.subtracting(swift).sorted()), only in Swift: \(swift.subtracting(database).sorted())")
        }
    }

    @Test func bothSidesReadEveryInputTheSame() throws {
        try withPortalFixture { fixture in
            let code = RecoveryCode.generate()
            let plain = code.normalized
            let spelled = plain.replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
            var inputs = [
                "", plain, code.grouped, plain.lowercased(), spelled, spelled.uppercased(),
                code.grouped.replacingOccurrences(of: "-", with: "\u{00A0}"),     // a pasted no-break space
                code.grouped.replacingOccurrences(of: "-", with: "\u{2013}"),     // an en dash
                code.grouped.replacingOccurrences(of: "-", with: "\u{3000}"),     // an ideographic space
                code.grouped.replacingOccurrences(of: "-", with: "\u{200B}"),     // zero width space: not White_Space
                code.grouped.replacingOccurrences(of: "-", with: "\u{2060}"),     // word joiner: a format character
                plain.replacingOccurrences(of: "1", with: "\u{0131}"),            // dotless i: upper() would make it I
                plain.replacingOccurrences(of: "K", with: "\u{212A}"),            // the Kelvin sign
                "\u{FF11}" + plain.dropFirst(),                                   // a full-width digit
                plain + "\u{0301}", "-\u{0301}" + plain,                          // combining marks
                String(repeating: " ", count: 48) + plain,                        // 64 characters: read
                String(repeating: " ", count: 49) + plain,                        // 65: refused
                String(repeating: "\u{00A0}", count: 48) + plain,
                plain + "\r\n", "\t" + code.grouped + "\n",
            ]
            // And random mixtures of symbols, separators and strangers.
            let pool: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijklmnopqrstuvwxyzOILoilU -_.") +
                ["\u{00A0}", "\u{2013}", "\u{2014}", "\u{0131}", "\u{212A}", "\u{00E9}", "\u{0301}", "\u{2060}", "\u{FE0F}", "\u{1F600}", "\u{0085}", "\u{3000}", "\u{FF0D}"]
            for _ in 0..<3_000 {
                var text = Array(RecoveryCode.generate().grouped)
                for _ in 0..<Int.random(in: 0...4) {
                    let position = Int.random(in: 0...text.count)
                    switch Int.random(in: 0..<3) {
                    case 0: text.insert(pool.randomElement()!, at: position)
                    case 1 where position < text.count: text[position] = pool.randomElement()!
                    default: if position < text.count { text.remove(at: position) }
                    }
                }
                inputs.append(String(text))
            }
            let database = try Self.databaseReading(inputs, fixture.connection)
            var disagreements: [String] = []
            for (input, read) in zip(inputs, database) {
                let swift = try? RecoveryCode(parsing: input).normalized
                if swift != read {
                    disagreements.append("\(input.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()): Swift \(swift ?? "refuses"), database \(read ?? "refuses")")
                }
            }
            #expect(disagreements.isEmpty, "\(disagreements.prefix(10).joined(separator: "\n"))")
            #expect(database.compactMap { $0 }.count > 100, "the random inputs include codes that read")
        }
    }
}
