import Foundation

/// RFC 2047 encoded words, so a subject in any language travels in a header that must be ASCII.
enum EncodedWords {
    /// The text as it may stand in an unstructured header: as is when it is printable ASCII
    /// that cannot be mistaken for an encoded word, else as `=?UTF-8?B?…?=` words of 60
    /// characters at most, split between characters and folded onto continuation lines, so
    /// even the first line (after `Subject: `) stays within RFC 2047's 76.
    static func headerText(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) } && !text.contains("=?")
        if plain { return text }
        // 36 bytes are 48 characters of Base64; with "=?UTF-8?B?" and "?=", 60 a word.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > 36 {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
