import Foundation
import TOTPCore

/// Decides what of a typed line may enter the history file, which must never hold a recovery
/// code: `verify USER CODE` is kept as `verify USER`, and a line in which a code can be read
/// — split by any separators, lower case, or typed in groups of four with one misheard
/// character (`RecoveryCode.containsCode(in:)`) — is not kept at all.
public enum HistoryFilter {
    /// The entry to remember, or nil to remember nothing. Runs on every typed line, so it is a
    /// single linear scan.
    public static func entry(for line: String) -> String? {
        var entry = line
        if let words = try? CommandTokenizer.words(line), words.first == "verify" {
            entry = words.count >= 2 ? "verify \(quoted(words[1]))" : "verify"
        }
        // Checked after the cut too: a code typed where the member belongs is still a code.
        return RecoveryCode.containsCode(in: entry) ? nil : entry
    }

    /// The word quoted so the tokenizer reads it back; by scalars, as the tokenizer reads (a
    /// quote followed by a combining mark is still a quote).
    private static func quoted(_ word: String) -> String {
        guard word.unicodeScalars.contains(where: { $0 == " " || $0 == "\t" || $0 == "'" || $0 == "\"" || $0 == "\\" }) else { return word }
        var text = "'"
        for scalar in word.unicodeScalars {
            if scalar == "'" { text += "'\\''" } else { text.unicodeScalars.append(scalar) }
        }
        return text + "'"
    }
}
