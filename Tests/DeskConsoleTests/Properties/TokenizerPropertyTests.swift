@testable import DeskConsole
import FuzzTesting
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

/// The tokenizer: any text gives words or a usage error, and words quoted as the README says
/// come back exactly, whatever they hold (combining marks after a quote included).
@Suite struct TokenizerPropertyTests {
    /// Quoting by scalars: a quote followed by a combining mark is one Character, which a
    /// Character-based replace would miss.
    static func quoted(_ word: String, by quote: Unicode.Scalar, escaping special: [Unicode.Scalar: String]) -> String {
        var text = String(quote)
        for scalar in word.unicodeScalars {
            if let replacement = special[scalar] { text += replacement } else { text.unicodeScalars.append(scalar) }
        }
        return text + String(quote)
    }

    static func singleQuoted(_ word: String) -> String { quoted(word, by: "'", escaping: ["'": "'\\''"]) }

    static func doubleQuoted(_ word: String) -> String { quoted(word, by: "\"", escaping: ["\\": "\\\\", "\"": "\\\""]) }

    @Test func anyTextGivesWordsOrAUsageError() async {
        for line in FuzzCorpus.consoleLines { _ = try? CommandTokenizer.words(line) }
        await propertyCheck(count: 5000, input: FuzzGen.hostileText(length: 0...20)) { line in
            do throws(ConsoleFailure) {
                let words = try CommandTokenizer.words(line)
                #expect(words.allSatisfy { !$0.isEmpty || line.contains("\"\"") || line.contains("''") })
            } catch {
                #expect(error.kind == .usage)
            }
        }
    }

    @Test func quotedWordsComeBackExactly() async {
        await propertyCheck(count: 3000, input: FuzzGen.hostileText(length: 0...8).array(of: 1...5), Gen.bool) { words, single in
            let line = words.map { single ? Self.singleQuoted($0) : Self.doubleQuoted($0) }.joined(separator: " ")
            #expect((try? CommandTokenizer.words(line)) == words, "\(line.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// Issue 15: `"` followed by a combining mark is one character, and was not taken for a quote.
    @Test func aCombiningMarkAfterAQuoteLeavesItAQuote() throws {
        #expect(try CommandTokenizer.words("find \"\u{301}jane doe\"") == ["find", "\u{301}jane doe"])
        #expect(try CommandTokenizer.words("find '\u{301}jane' x") == ["find", "\u{301}jane", "x"])
        #expect(try CommandTokenizer.words("a \u{301}b") == ["a", "\u{301}b"])
        #expect(throws: ConsoleFailure.self) { try CommandTokenizer.words("find \"\u{301}jane") }
    }
}
