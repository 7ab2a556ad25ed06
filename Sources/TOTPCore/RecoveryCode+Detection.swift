extension RecoveryCode {
    /// Whether a recovery code can be read anywhere in `text`, however it was typed: so that the
    /// console can keep such a line out of its history file (DESIGN.md: a code is never written
    /// to history or logs).
    ///
    /// Separators are dropped first — whitespace, dashes, dots, underscores, slashes and
    /// backslashes (the console's escape) — so `7K3MQX9D P2RA4WTH`, `7k3m.qx9d.p2ra.4wth` and
    /// `x/7K3M-QX9D-P2RA-4WTH` are all seen; any other character (`@`, `,`, a quote, `U`, a letter
    /// outside ASCII) ends a run of symbols. A run is cut into pieces at its separators. Symbols
    /// are read as `init(parsing:)` reads them (case folded, `O` as 0, `I`/`L` as 1). Only 16
    /// symbols from a piece boundary to a piece boundary (a separator, or the run's start or
    /// end) are looked at. They hold a code when they are
    /// - one piece of 16 symbols; or
    /// - several pieces holding a digit as typed, with a correct check symbol however split, or
    ///   in groups of four (4+4+4+4, 8+8, 4+12, …) whatever the check symbol: a code with one
    ///   misheard character still gives away fifteen symbols of the real one, and the check
    ///   symbol narrows the rest to a handful of guesses; or
    /// - several pieces with no digit, in groups of four with a correct check symbol.
    ///
    /// What is given up, so that ordinary commands stay in history: a code glued into a longer
    /// word (`ab12` + code; counting every window of a long run took two in five `disable-2fa …
    /// --reason "…"` lines for codes), and a code with no digit at all (one in 400) that is both
    /// split oddly and misheard, or split oddly and mixed with words (four-letter words typed in a
    /// row look like groups; a digit is what words lack). The scan is linear in `text`'s length.
    public static func containsCode(in text: String) -> Bool {
        var run = SymbolRun()
        for scalar in text.unicodeScalars {
            if let value = CrockfordBase32.typedValue(of: scalar) {
                run.append(value, typedAsDigit: ("0"..."9").contains(scalar))
            } else if separatesPieces(scalar) {
                run.markSeparator()
            } else {
                if run.holdsCode() { return true }
                run.reset()
            }
        }
        return run.holdsCode()
    }

    /// Characters people put between the groups of a code, and the console's escape character:
    /// dropped before looking for codes. Wider than what `init(parsing:)` forgives, since a code
    /// typed `7k3m.qx9d…` is refused by the check but must still stay out of history.
    private static func separatesPieces(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", "_", "/", "\\": return true
        default: return isSeparator(scalar)
        }
    }
}

/// The symbols of one run (separators dropped), with where its pieces begin.
private struct SymbolRun {
    /// The symbol values, in order.
    private var values: [Int] = []
    /// `digitsBefore[i]`: how many of `values[..<i]` were typed as digits (one more entry than values).
    private var digitsBefore: [Int] = [0]
    /// Where each piece begins, in `values`; a piece begins at the run's start and after a separator.
    private var pieceStarts: [Int] = []
    private var separatorSeen = false

    /// Adds a symbol, starting a piece when a separator (or nothing) came before it.
    mutating func append(_ value: Int, typedAsDigit: Bool) {
        if values.isEmpty || separatorSeen { pieceStarts.append(values.count) }
        values.append(value)
        digitsBefore.append(digitsBefore[digitsBefore.count - 1] + (typedAsDigit ? 1 : 0))
        separatorSeen = false
    }

    /// Notes a separator: the next symbol starts a new piece of the same run.
    mutating func markSeparator() { separatorSeen = true }

    /// Empties the run, at a character that ends it.
    mutating func reset() {
        values.removeAll(keepingCapacity: true)
        digitsBefore.removeAll(keepingCapacity: true)
        digitsBefore.append(0)
        pieceStarts.removeAll(keepingCapacity: true)
        separatorSeen = false
    }

    /// Whether 16 symbols from piece boundary to piece boundary read as a code (the rules of
    /// `RecoveryCode.containsCode(in:)`).
    func holdsCode() -> Bool {
        let length = RecoveryCode.length
        guard values.count >= length else { return false }
        let boundaries = pieceStarts + [values.count]
        // oddPiecesBefore[k]: pieces before boundary k whose length is not whole groups of four.
        var oddPiecesBefore = [0]
        for k in 1..<boundaries.count {
            oddPiecesBefore.append(oddPiecesBefore[k - 1] + ((boundaries[k] - boundaries[k - 1]) % 4 == 0 ? 0 : 1))
        }
        // Two pointers: for each boundary as a start, the boundary 16 symbols on, if there is one.
        var endIndex = 0
        for startIndex in boundaries.indices {
            let start = boundaries[startIndex], end = start + length
            guard end <= values.count else { break }
            while boundaries[endIndex] < end { endIndex += 1 }
            guard boundaries[endIndex] == end else { continue }
            let onePiece = endIndex == startIndex + 1
            let inGroupsOfFour = oddPiecesBefore[endIndex] == oddPiecesBefore[startIndex]
            let holdsDigit = digitsBefore[end] > digitsBefore[start]
            if onePiece || (inGroupsOfFour && holdsDigit) { return true }
            let checkSymbolRight = CrockfordBase32.luhnCheckValue(values[start..<(end - 1)]) == values[end - 1]
            if checkSymbolRight && (inGroupsOfFour || holdsDigit) { return true }
        }
        return false
    }
}
