import FuzzTesting
import PropertyBased
import Testing
import ProcessTesting
@testable import TOTPCore

/// Recovery codes as people read them out and type them: any way of writing a code reads back
/// as that code, any one wrong symbol is caught as misheard, and any text at all gives a code or
/// a typed error. The history filter spots a code however it is split.
@Suite struct RecoveryCodePropertyTests {
    /// A valid code, built from random symbols and its check symbol.
    static var codes: Generator<RecoveryCode, some SendableSequenceType> {
        Gen<Int>.int(in: 0...31).array(of: RecoveryCode.randomSymbols).map { values in
            let symbols = (values + [CrockfordBase32.luhnCheckValue(values)]).map { CrockfordBase32.alphabet[$0] }
            return try! RecoveryCode(parsing: String(decoding: symbols, as: UTF8.self))
        }
    }

    /// How a symbol may be typed: either case, O for zero, I or L for one.
    static func typed(_ symbol: Character, _ choice: Int) -> String {
        switch (symbol, choice % 3) {
        case ("0", 1): return "O"
        case ("0", 2): return "o"
        case ("1", 1): return "I"
        case ("1", 2): return "l"
        default: return choice % 2 == 0 ? String(symbol) : symbol.lowercased()
        }
    }

    @Test func everyWayOfWritingACodeReadsBackAsIt() async {
        await propertyCheck(count: 2000, input: Self.codes, Gen.int(in: 0...5).array(of: 16), Gen<String?>.element(of: ["", " ", "-", "  ", " - ", "\t"]).array(of: 16)) { code, choices, separators in
            var text = ""
            for (index, symbol) in code.normalized.enumerated() {
                text += Self.typed(symbol, choices[index]) + (separators[index] ?? "")
            }
            #expect((try? RecoveryCode(parsing: text)) == code, "\(text)")
            // Split any way, a code is spotted when a digit was typed; with none (every 0 typed
            // as O, every 1 as I or L, no other digit) only in groups of four, as documented
            // (RecoveryCodeDetectionTests.aCodeWithoutADigitIsSeenInGroupsOfFour).
            if text.contains(where: { $0.isASCII && $0.isNumber }) {
                #expect(RecoveryCode.containsCode(in: "verify jane " + text), "\(text)")
            }
        }
    }

    @Test func oneWrongSymbolIsCaughtAsMisheard() async {
        await propertyCheck(count: 2000, input: Self.codes, Gen.int(in: 0...15), Gen.int(in: 1...31)) { code, position, shift in
            var values = code.normalized.utf8.map { CrockfordBase32.value(of: $0)! }
            values[position] = (values[position] + shift) % 32
            let text = String(decoding: values.map { CrockfordBase32.alphabet[$0] }, as: UTF8.self)
            #expect(throws: RecoveryCodeError.misheardCharacter) { try RecoveryCode(parsing: text) }
        }
    }

    @Test func anyTextIsACodeOrATypedError() async {
        await propertyCheck(count: 5000, input: FuzzGen.hostileText(length: 0...24)) { text in
            do throws(RecoveryCodeError) {
                let code = try RecoveryCode(parsing: text)
                #expect((try? RecoveryCode(parsing: code.grouped)) == code)
            } catch {
                switch error {
                case .invalidCharacter, .wrongLength, .tooLong, .misheardCharacter: break
                }
            }
            _ = RecoveryCode.containsCode(in: text)
        }
    }
}
