import Foundation
import Testing
@testable import TOTPCore

/// `RecoveryCode.containsCode(in:)`: a code is seen however it is split, cased or embedded, a
/// misheard one when typed as a code, and ordinary text is left alone; the scan is linear.
@Suite struct RecoveryCodeDetectionTests {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The code with one symbol replaced, so its check symbol is wrong.
    static func misheard(_ code: RecoveryCode, at position: Int = 5) -> String {
        var symbols = Array(code.normalized)
        symbols[position] = symbols[position] == "X" ? "Y" : "X"
        return String(symbols)
    }

    static func pieces(_ symbols: String, _ sizes: [Int], separator: String) -> String {
        var rest = Substring(symbols)
        return sizes.map { size in
            defer { rest = rest.dropFirst(size) }
            return String(rest.prefix(size))
        }.joined(separator: separator)
    }

    @Test func aValidCodeIsSeenHoweverItIsTyped() {
        for code in RecoveryCode.generateBatch(count: 50) {
            let plain = code.normalized
            let shapes = [
                plain, code.grouped, plain.lowercased(),
                Self.pieces(plain, [8, 8], separator: " "),
                Self.pieces(plain, [4, 4, 4, 4], separator: "."),
                Self.pieces(plain, [4, 4, 4, 4], separator: "_"),
                Self.pieces(plain, [4, 4, 4, 4], separator: "/"),
                Self.pieces(plain, [4, 4, 4, 4], separator: "\t"),
                Self.pieces(plain, [4, 4, 4, 4], separator: " \u{2013} "),     // en dash, pasted from a document
                Self.pieces(plain, [2, 3, 5, 6], separator: "\n"),
                Self.pieces(plain, [1, 15], separator: "\\ "),                  // the console's escaped space
                plain.replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l"),
            ]
            for shape in shapes {
                #expect(RecoveryCode.containsCode(in: shape), "\(shape)")
                #expect(RecoveryCode.containsCode(in: "find " + shape), "\(shape)")
                #expect(RecoveryCode.containsCode(in: "note: jane read " + shape + ", twice"), "\(shape)")
            }
            // Glued into longer words on both sides.
            #expect(RecoveryCode.containsCode(in: "find ab12" + plain + "zz9"))
            #expect(RecoveryCode.containsCode(in: "jane@acme.example" + plain))
        }
    }

    /// Typed as a code is read: whole, or in pieces of four, eight or twelve symbols.
    @Test func aMisheardCodeIsSeenWhenTypedAsACode() {
        for code in RecoveryCode.generateBatch(count: 50) {
            let misheard = Self.misheard(code)
            #expect(throws: RecoveryCodeError.misheardCharacter) { try RecoveryCode(parsing: misheard) }
            for shape in [misheard, Self.pieces(misheard, [8, 8], separator: " "),
                          Self.pieces(misheard, [4, 4, 4, 4], separator: "-"),
                          Self.pieces(misheard, [4, 12], separator: "."), Self.pieces(misheard, [8, 4, 4], separator: "/"),
                          misheard.lowercased()] {
                #expect(RecoveryCode.containsCode(in: shape), "\(shape)")
                #expect(RecoveryCode.containsCode(in: "find " + shape), "\(shape)")
                #expect(RecoveryCode.containsCode(in: "show #12 " + shape + " please"), "\(shape)")
            }
        }
    }

    /// Inside a longer run, 16 symbols count only with a correct check symbol: each window is
    /// compared with what `init(parsing:)` says of it.
    @Test func insideALongerRunOnlyTheCheckSymbolDecides() {
        var seen = (codes: 0, none: 0)
        for _ in 0..<2_000 {
            let symbols = String((0..<(RecoveryCode.length + 3)).map { _ in Self.alphabet.randomElement()! })
            let characters = Array(symbols)
            let windows = (0...3).map { String(characters[$0..<($0 + RecoveryCode.length)]) }
            let expected = windows.contains { (try? RecoveryCode(parsing: $0)) != nil }
            #expect(RecoveryCode.containsCode(in: "#" + symbols + "#") == expected, "\(symbols)")
            if expected { seen.codes += 1 } else { seen.none += 1 }
        }
        #expect(seen.codes > 0 && seen.none > 0)
    }

    @Test func ordinaryTextIsNotACode() {
        let code = RecoveryCode.generate()
        let misheard = Self.misheard(code)
        for text in [
            "", "find jane doe", "find MS-10442", "show jane@acme.example",
            String(code.normalized.prefix(15)),                             // one symbol short
            Self.pieces(code.normalized, [4, 4], separator: "-"),
            code.grouped.replacingOccurrences(of: "-", with: "U"),         // U is no symbol: four short runs
            "find jane doe smith",                                         // 16 symbols, in pieces of 3 and 5
            "log --since 7d --agent demo",                                 // 16 from "since" on, "7d" is no group
        ] {
            #expect(!RecoveryCode.containsCode(in: text), "\(text)")
        }
        // Nor is a misheard code split where no group of four ends, or glued to other symbols.
        let oddSplit = Self.pieces(misheard, [5, 11], separator: " ")
        #expect(!RecoveryCode.containsCode(in: oddSplit))
        let glued = "q" + misheard + "q"
        let windows = (0...2).map { String(Array(glued.uppercased())[$0..<($0 + 16)]) }
        if !windows.contains(where: { (try? RecoveryCode(parsing: $0)) != nil }) {
            #expect(!RecoveryCode.containsCode(in: glued))
        }
    }

    /// A 64 KiB line of symbols with no code in it is the worst case: every window is checked.
    /// Linear, it takes milliseconds; a scan per window and length would take minutes.
    @Test func aLongLineIsScannedInLinearTime() throws {
        // A pattern of period two has two kinds of window; take one where neither is a code.
        let pair = try #require(Self.alphabet.lazy.flatMap { a in Self.alphabet.lazy.map { b in [a, b] } }.first { pair in
            let even = String(repeating: String(pair), count: 8)
            let odd = String(repeating: String(pair.reversed()), count: 8)
            return (try? RecoveryCode(parsing: even)) == nil && (try? RecoveryCode(parsing: odd)) == nil
        })
        let line = String(repeating: String(pair), count: 32 * 1024)
        let started = ContinuousClock.now
        #expect(!RecoveryCode.containsCode(in: line))
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
