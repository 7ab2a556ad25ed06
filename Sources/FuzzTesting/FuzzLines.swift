/// Console lines for the batch fuzz run, generated from a seed so a failure can be replayed:
/// the corpus first, then lines that start with a command (or a junk word) and go on with
/// random pieces, random Unicode scalars and now and then a valid-looking call, so that some
/// reach the database and most test the parsers. No line holds a newline, and none is a
/// comment, blank, or a way to quit, so every line is exactly one command.
public struct FuzzLines: Sequence, IteratorProtocol {
    private var random: SeededRandom
    private var remaining: Int
    private var corpus: [String]

    /// `count` lines from `seed`, starting with the whole corpus.
    public init(count: Int, seed: UInt64) {
        random = SeededRandom(seed: seed)
        remaining = count
        corpus = FuzzCorpus.consoleLines.reversed()
    }

    /// The next line, or nil after `count`.
    public mutating func next() -> String? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        if let line = corpus.popLast() { return line }
        var line = Self.firstWords[Int(random.next() % UInt64(Self.firstWords.count))]
        let pieces = Int(random.next() % 9)
        for _ in 0..<pieces {
            switch random.next() % 10 {
            case 0:
                let scalar = Unicode.Scalar(UInt32(random.next() % 0x110000)) ?? "\u{FFFD}"
                if scalar != "\n" && scalar != "\0" { line.unicodeScalars.append(scalar) }
            case 1:
                line += " "
            default:
                line += FuzzCorpus.pieces[Int(random.next() % UInt64(FuzzCorpus.pieces.count))]
            }
        }
        return line
    }

    /// What lines begin with: every command, and words that are not commands.
    static let firstWords = [
        "find ", "show ", "verify ", "disable-2fa ", "unlock ", "log ", "log verify ", "log anchor ", "whoami ",
        "help ", "find jane", "show jane@acme.example", "log --limit 3", "whoami", "help", "zap ", "x",
        "-", "é", "\u{301}", "\u{1B}[31m",
    ]
}

/// SplitMix64: a small, fast, seedable generator, the same on every platform.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    /// The same seed gives the same numbers, so a failing run can be replayed.
    public init(seed: UInt64) { state = seed }

    /// The next number of the sequence.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
