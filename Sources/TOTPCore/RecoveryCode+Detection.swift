extension RecoveryCode {
    /// Whether a recovery code can be read anywhere in `text`, however it was typed: so that the
    /// console can keep such a line out of its history file (DESIGN.md: a code is never written
    /// to history or logs).
    ///
    /// Separators are dropped first — whitespace, dashes, dots, underscores, slashes and
    /// backslashes (the console's escape) — so `7K3MQX9D P2RA4WTH`, `7k3m.qx9d.p2ra.4wth` and
    /// `x/7K3M-QX9D-P2RA-4WTH` are all seen; any other character (`@`, `,`, a quote, `U`, a letter
    /// outside ASCII) ends a run of symbols. In each run (case folded, `O` read as 0, `I`/`L` as
    /// 1, as `init(parsing:)` reads them) the text holds a code when
    /// - any 16 symbols in a row have a correct check symbol, wherever they start and end; or
    /// - 16 symbols typed as a code is read, in groups of four — one piece, or pieces of 4, 8 or
    ///   12 symbols, from a separator (or the run's start) to a separator (or its end) — have a
    ///   wrong one: a code with one misheard character still gives away fifteen symbols of the
    ///   real one, and the check symbol narrows the rest to a handful of guesses.
    ///
    /// Lines with long runs of letters are sometimes taken for a code (one window of 16 in 32
    /// has a correct check symbol by chance); forgetting such a line is the price of never
    /// keeping a code. The scan is linear in the length of `text`.
    public static func containsCode(in text: String) -> Bool {
        var run = SymbolRun()
        for scalar in text.unicodeScalars {
            if let value = CrockfordBase32.typedValue(of: scalar) {
                run.append(value)
            } else if isSeparator(scalar) {
                run.markSeparator()
            } else {
                if run.holdsCode() { return true }
                run.reset()
            }
        }
        return run.holdsCode()
    }

    /// Characters people put between the groups of a code, and the console's escape character:
    /// dropped before looking for codes.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", "_", "/", "\\": return true
        default: return scalar.properties.isWhitespace || scalar.properties.generalCategory == .dashPunctuation
        }
    }
}

/// The symbols of one run (separators dropped), with where the separators were.
private struct SymbolRun {
    /// The symbol values, in order.
    private var values: [Int] = []
    /// `pieceStarts[i]`: whether `values[i]` starts a piece (the run's start, or after a separator).
    private var pieceStarts: [Bool] = []
    private var separatorSeen = false

    /// Adds a symbol, starting a piece when a separator came before it.
    mutating func append(_ value: Int) {
        pieceStarts.append(values.isEmpty || separatorSeen)
        values.append(value)
        separatorSeen = false
    }

    /// Notes a separator: the next symbol starts a new piece of the same run.
    mutating func markSeparator() { separatorSeen = true }

    /// Empties the run, at a character that ends it.
    mutating func reset() {
        values.removeAll(keepingCapacity: true)
        pieceStarts.removeAll(keepingCapacity: true)
        separatorSeen = false
    }

    /// Whether any 16 symbols in a row read as a code (see `RecoveryCode.containsCode(in:)`).
    func holdsCode() -> Bool {
        let length = RecoveryCode.length
        guard values.count >= length else { return false }
        // oddPieceEnds[i]: a piece that is not whole groups of four ends just before values[i].
        var oddPieceEnds = Array(repeating: false, count: values.count + 1)
        var pieceStart = 0
        for index in 1...values.count where index == values.count || pieceStarts[index] {
            oddPieceEnds[index] = (index - pieceStart) % 4 != 0
            pieceStart = index
        }
        // Odd pieces ending up to the window's start, and up to its end: equal when none is inside.
        var oddPiecesToStart = 0
        var oddPiecesToEnd = (1...length).count { oddPieceEnds[$0] }
        for start in 0...(values.count - length) {
            let end = start + length
            if start > 0 {
                if oddPieceEnds[start] { oddPiecesToStart += 1 }
                if oddPieceEnds[end] { oddPiecesToEnd += 1 }
            }
            let typedAsCode = pieceStarts[start] && (end == values.count || pieceStarts[end])
                && oddPiecesToEnd == oddPiecesToStart
            if typedAsCode { return true }
            if CrockfordBase32.luhnCheckValue(values[start..<(end - 1)]) == values[end - 1] { return true }
        }
        return false
    }
}
