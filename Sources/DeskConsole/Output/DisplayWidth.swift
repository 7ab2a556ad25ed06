/// Columns a string takes on a terminal, so tables stay aligned with names in any script:
/// East Asian wide characters and emoji take two columns, combining marks, joiners, variation
/// selectors and skin-tone modifiers none, everything else one.
///
/// It reads UTF-8 bytes rather than characters: a page of 10,000 long events is measured twice
/// per cell, and grapheme breaking over all of it cost seconds.
enum DisplayWidth {
    static func of(_ text: String) -> Int {
        var total = 0
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                guard lead >= 0x80 else {
                    total += 1
                    index += 1
                    continue
                }
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length where index + offset < bytes.count {
                    value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
                }
                total += width(of: value)
                index += length
            }
        }
        return total
    }

    private static func width(of value: UInt32) -> Int {
        if value < 0x300 { return 1 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F3FA, 0x1F400...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        case 0x1F3FB...0x1F3FF, 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x200B...0x200F:
            return 0
        default:
            guard let scalar = Unicode.Scalar(value) else { return 1 }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            default: return 1
            }
        }
    }

    /// `text` padded with spaces to `width` columns.
    static func pad(_ text: String, to width: Int) -> String {
        let missing = width - of(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }

    /// `text` cut to at most `width` columns, ending in `…` when anything was cut.
    static func cut(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var kept = ""
        var used = 0
        for character in text {
            let columns = of(String(character))
            if used + columns > width - 1 { break }
            kept.append(character)
            used += columns
        }
        return kept + "…"
    }

    /// `text` broken into lines of at most `width` columns at spaces; a word longer than a line
    /// stands on a line of its own rather than being split.
    static func wrap(_ text: String, to width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        var used = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let columns = of(String(word))
            if used > 0 && used + 1 + columns > width {
                lines.append(current)
                current = ""
                used = 0
            }
            if used > 0 {
                current += " "
                used += 1
            }
            current += word
            used += columns
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
