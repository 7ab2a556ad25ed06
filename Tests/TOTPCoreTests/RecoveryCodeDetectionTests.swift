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
        // Nearly every code holds a digit (all but one in 400); those without: the next test.
        for code in RecoveryCode.generateBatch(count: 50) where code.normalized.contains(where: \.isNumber) {
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
            // Next to other words, split by any separator.
            #expect(RecoveryCode.containsCode(in: "find ab12 " + plain + " zz9"))
            #expect(RecoveryCode.containsCode(in: "jane@acme.example." + plain))
        }
    }

    /// A code with no digit at all is seen whole or in groups of four, the way codes are read
    /// out; split oddly among words it is given up (the price of keeping four-letter words).
    @Test func aCodeWithoutADigitIsSeenInGroupsOfFour() throws {
        let letters = Array("ABCDEFGHJKMNPQRSTVWXYZ")
        var found: RecoveryCode?
        while found == nil {
            let body = String((0..<15).map { _ in letters.randomElement()! })
            found = letters.lazy.compactMap { try? RecoveryCode(parsing: body + String($0)) }.first
        }
        let code = try #require(found)
        let plain = code.normalized
        #expect(plain.allSatisfy { !$0.isNumber })
        for shape in [plain, code.grouped, Self.pieces(plain, [8, 8], separator: " "),
                      Self.pieces(plain, [4, 4, 4, 4], separator: " "), plain.lowercased()] {
            #expect(RecoveryCode.containsCode(in: "note " + shape + " end"), "\(shape)")
        }
        #expect(!RecoveryCode.containsCode(in: "note " + Self.pieces(plain, [5, 11], separator: " ")))
    }

    /// Typed as a code is read: whole, or in pieces of four, eight or twelve symbols.
    @Test func aMisheardCodeIsSeenWhenTypedAsACode() {
        for code in RecoveryCode.generateBatch(count: 50) where Self.misheard(code).contains(where: \.isNumber) {
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

    /// From separator to separator, 16 symbols with a digit split oddly count only with a correct
    /// check symbol: each case is compared with what `init(parsing:)` says.
    @Test func betweenSeparatorsTheCheckSymbolDecides() {
        var seen = (codes: 0, none: 0)
        for _ in 0..<2_000 {
            // A digit first: split oddly, a code without one counts only in groups of four.
            let symbols = String("0123456789".randomElement()!)
                + String((1..<RecoveryCode.length).map { _ in Self.alphabet.randomElement()! })
            let expected = (try? RecoveryCode(parsing: symbols)) != nil
            // Split 5 + 11: not as a code is read, so only the check symbol can make it one.
            let line = "note abc " + Self.pieces(symbols, [5, 11], separator: " ") + " xyz"
            #expect(RecoveryCode.containsCode(in: line) == expected, "\(line)")
            if expected { seen.codes += 1 } else { seen.none += 1 }
        }
        #expect(seen.codes > 0 && seen.none > 0)
    }

    /// Glued inside a longer word, even a valid code is not looked for: the price of not taking
    /// ordinary commands for codes (see `falsePositivesAreRareOnTypicalCommands`).
    @Test func aCodeGluedIntoAWordIsNotLookedFor() {
        for code in RecoveryCode.generateBatch(count: 20) {
            #expect(!RecoveryCode.containsCode(in: "find ab12" + code.normalized + "zz9"))
        }
    }

    /// The commands agents type all day stay in history: over 3,000 disable, find and log
    /// lines made of real words, fewer than 2% are taken for a code (counting every window of a
    /// run, as before, took 39% of the disables).
    @Test func falsePositivesAreRareOnTypicalCommands() {
        let reasons = ["lost phone, code read out", "caller lost their phone in a taxi", "new phone, old one wiped",
                       "phone stolen; caller verified by account pin", "authenticator app deleted by mistake",
                       "customer dropped phone in the sea", "replaced device and forgot to move the app",
                       "caller read code twice, second one matched", "factory reset wiped authenticator",
                       "travelling abroad, phone broken, ID checked", "verified identity with billing details"]
        let names = ["jane", "max", "oskar.lindqvist", "priya.patel", "tom_smith", "a.k.wong", "mohammed", "zoe"]
        let domains = ["acme.example", "webshop-berlin.example", "kh.example", "northwind-traders.example"]
        var taken = 0, total = 0
        for (index, reason) in reasons.enumerated() {
            for name in names {
                for domain in domains {
                    for ticket in 1...9 {
                        let number = 1000 + index * 977 + ticket * 131
                        let lines = [
                            "disable-2fa \(name)@\(domain) --reason \"\(reason)\" --ticket SUP-\(number)",
                            "find \(name.replacingOccurrences(of: ".", with: " ")) \(domain.split(separator: ".")[0])",
                            "log --agent \(name) --since 7d --action 2fa_disabled_support --before \(number)",
                        ]
                        for line in lines {
                            total += 1
                            if RecoveryCode.containsCode(in: line) { taken += 1 }
                        }
                    }
                }
            }
        }
        #expect(total > 3_000)
        #expect(Double(taken) / Double(total) < 0.02, "\(taken) of \(total)")
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
        #expect(!RecoveryCode.containsCode(in: "q" + misheard + "q"))
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
