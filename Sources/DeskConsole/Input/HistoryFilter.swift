import Foundation
import TOTPCore

/// Decides what of a typed line may enter the history file, which must never hold a recovery
/// code: `verify USER CODE` is kept as `verify USER`, and any other line in which a word (or four
/// four-symbol groups in a row) reads as a recovery code is not kept at all.
public enum HistoryFilter {
    /// The entry to remember, or nil to remember nothing.
    public static func entry(for line: String) -> String? {
        guard let words = try? CommandTokenizer.words(line), let first = words.first else {
            return containsCode(line.split(separator: " ").map(String.init)) ? nil : line
        }
        if first == "verify" {
            return words.count >= 2 ? "verify \(quoted(words[1]))" : "verify"
        }
        return containsCode(words) ? nil : line
    }

    static func containsCode(_ words: [String]) -> Bool {
        if words.contains(where: isCode) { return true }
        guard words.count >= 4 else { return false }
        return (0...(words.count - 4)).contains { isCode(words[$0..<($0 + 4)].joined()) }
    }

    private static func isCode(_ word: String) -> Bool {
        let symbols = word.filter { $0 != "-" && $0 != " " }
        guard symbols.count == RecoveryCode.length else { return false }
        do {
            _ = try RecoveryCode(parsing: symbols)
            return true
        } catch RecoveryCodeError.misheardCharacter {
            return true     // a misheard code is still almost a code
        } catch {
            return false
        }
    }

    private static func quoted(_ word: String) -> String {
        word.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\\" })
            ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
            : word
    }
}
