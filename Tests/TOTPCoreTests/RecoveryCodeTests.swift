import Foundation
import Crypto
import Testing
@testable import TOTPCore

@Suite struct RecoveryCodeTests {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    @Test func generatedCodesHaveTheDocumentedShape() throws {
        for code in RecoveryCode.generateBatch(count: 200) {
            #expect(code.normalized.count == 16)
            #expect(code.normalized.allSatisfy { Self.alphabet.contains($0) })
            #expect(code.grouped.count == 19)
            #expect(code.grouped.split(separator: "-").map(\.count) == [4, 4, 4, 4])
            #expect(try RecoveryCode(parsing: code.grouped) == code)
        }
    }

    @Test func batchesAreDistinctAndTenByDefault() {
        let batch = RecoveryCode.generateBatch()
        #expect(batch.count == 10)
        #expect(Set(batch).count == 10)
    }

    @Test func luhnMod32MatchesHandComputedExamples() throws {
        // 0…14 doubled alternately from the right: sum 161, 161 mod 32 = 1, check 31 = "Z".
        #expect(try RecoveryCode(parsing: "0123-4567-89AB-CDEZ").normalized == "0123456789ABCDEZ")
        // Fifteen 31s: doubled ones give 62 → 1 + 30; sum 465, mod 32 = 17, check 15 = "F".
        #expect(try RecoveryCode(parsing: "ZZZZ-ZZZZ-ZZZZ-ZZZF").normalized == "ZZZZZZZZZZZZZZZF")
        #expect(throws: RecoveryCodeError.misheardCharacter) { try RecoveryCode(parsing: "ZZZZ-ZZZZ-ZZZZ-ZZZG") }
    }

    @Test func inputIsNormalisedAsPeopleTypeAndSpeak() throws {
        let code = RecoveryCode.generate()
        let messy = code.grouped.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(try RecoveryCode(parsing: "  " + messy + "\t") == code)
        // O, I and L are read as 0 and 1.
        let base = "0123456789ABCDE"
        let values = base.map { Self.alphabet.firstIndex(of: $0)! }
        let full = base + String(Self.alphabet[CrockfordBase32.luhnCheckValue(values)])
        let spoken = full.replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "L")
        #expect(try RecoveryCode(parsing: spoken).normalized == full)
        #expect(try RecoveryCode(parsing: full.replacingOccurrences(of: "1", with: "I")).normalized == full)
    }

    @Test func everySingleSubstitutionIsCaughtAsMisheard() throws {
        for code in RecoveryCode.generateBatch(count: 20) {
            let symbols = Array(code.normalized)
            for position in symbols.indices {
                for replacement in Self.alphabet where replacement != symbols[position] {
                    var changed = symbols
                    changed[position] = replacement
                    #expect(throws: RecoveryCodeError.misheardCharacter) { try RecoveryCode(parsing: String(changed)) }
                }
            }
        }
    }

    @Test func mostAdjacentTranspositionsAreCaught() {
        var caught = 0, total = 0
        for code in RecoveryCode.generateBatch(count: 200) {
            let symbols = Array(code.normalized)
            for position in 0..<(symbols.count - 1) where symbols[position] != symbols[position + 1] {
                var swapped = symbols
                swapped.swapAt(position, position + 1)
                total += 1
                if (try? RecoveryCode(parsing: String(swapped))) == nil { caught += 1 }
            }
        }
        #expect(Double(caught) / Double(total) > 0.9)
    }

    @Test func badInputHasItsOwnErrors() {
        #expect(throws: RecoveryCodeError.wrongLength(15)) { try RecoveryCode(parsing: "7K3M-QX9D-P2RA-4WT") }
        #expect(throws: RecoveryCodeError.wrongLength(0)) { try RecoveryCode(parsing: " - ") }
        #expect(throws: RecoveryCodeError.invalidCharacter("U")) { try RecoveryCode(parsing: "7K3M-QX9D-P2RA-4WTU") }
        #expect(throws: RecoveryCodeError.invalidCharacter("!")) { try RecoveryCode(parsing: "7K3M!QX9D") }
        #expect(throws: RecoveryCodeError.invalidCharacter("٣")) { try RecoveryCode(parsing: "٣K3M") }
    }

    @Test func hashIsSaltedSHA256OfTheNormalisedSymbols() throws {
        let code = RecoveryCode.generate()
        let salt = RecoveryCode.makeSalt()
        #expect(salt.count == 16)
        let expected = Array(SHA256.hash(data: salt + Array(code.normalized.utf8)))
        #expect(code.hash(salt: salt) == expected)
        #expect(try RecoveryCode(parsing: code.grouped.lowercased()).hash(salt: salt) == expected)
        #expect(code.hash(salt: RecoveryCode.makeSalt()) != expected)
    }

    @Test func descriptionNeverShowsTheCode() {
        let code = RecoveryCode.generate()
        #expect(!"\(code)".contains(code.normalized))
        #expect(!"\(code)".contains(code.grouped))
    }
}
