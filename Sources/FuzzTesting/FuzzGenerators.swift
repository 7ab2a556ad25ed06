public import PropertyBased

/// Generators of hostile text for the property tests of every parser: text built from the
/// fuzz corpus's pieces (command words, quotes, combining marks, joiners, tags, controls), and
/// text of any Unicode scalars at all.
public enum FuzzGen {
    /// Any Unicode scalar but NUL (which no line can hold); surrogate values become U+FFFD.
    public static var scalar: Generator<Unicode.Scalar, some SendableSequenceType> {
        Gen<UInt32>.value(in: 1...0x10FFFF).withoutShrink().map { Unicode.Scalar($0) ?? "\u{FFFD}" }
    }

    /// Text of arbitrary scalars.
    public static func anyText(length: ClosedRange<Int> = 0...24) -> Generator<String, some SendableSequenceType> {
        scalar.array(of: length).map { scalars in
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            return text
        }
    }

    /// Text joined from corpus pieces (or from `pieces`): near misses of what parsers accept.
    public static func pieces(_ count: ClosedRange<Int> = 0...10, from pieces: [String] = FuzzCorpus.pieces) -> Generator<String, some SendableSequenceType> {
        Gen<String?>.element(of: pieces).map { $0 ?? "" }.array(of: count).map { $0.joined() }
    }

    /// Either kind of text, half and half.
    public static func hostileText(length: ClosedRange<Int> = 0...12) -> Generator<String, some SendableSequenceType> {
        Gen.oneOf(anyText(length: length).eraseToAnySequence(), pieces(length).eraseToAnySequence())
    }
}
