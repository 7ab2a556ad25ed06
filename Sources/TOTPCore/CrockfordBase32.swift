/// Crockford's Base32 alphabet, chosen for codes read aloud: no `I`, `L`, `O` or `U`, so no
/// symbol sounds or looks like another, and the common confusions can be mapped back.
enum CrockfordBase32 {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The value (0–31) of an already upper-cased, normalised symbol.
    static func value(of symbol: UInt8) -> Int? {
        valueTable[Int(symbol)]
    }

    /// Maps what a person may type or say to the canonical symbol: case folded, `O` to zero,
    /// `I` and `L` to one. Returns nil for anything that cannot be a symbol.
    static func canonicalSymbol(_ character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        var upper = ascii
        if ascii >= UInt8(ascii: "a") && ascii <= UInt8(ascii: "z") { upper = ascii - 32 }
        switch upper {
        case UInt8(ascii: "O"): return UInt8(ascii: "0")
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return UInt8(ascii: "1")
        default: return value(of: upper) == nil ? nil : upper
        }
    }

    /// The value (0–31) of a symbol as a person may type it (case, `O`, `I` and `L` forgiven, as
    /// `canonicalSymbol` reads them), or nil. One table look-up per scalar, for scans of long text.
    static func typedValue(of scalar: Unicode.Scalar) -> Int? {
        scalar.value < 128 ? typedValueTable[Int(scalar.value)] : nil
    }

    private static let typedValueTable: [Int?] = (0..<128).map { ascii in
        canonicalSymbol(Character(Unicode.Scalar(UInt8(ascii)))).flatMap(value(of:))
    }

    private static let valueTable: [Int?] = {
        var table = [Int?](repeating: nil, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = index }
        return table
    }()

    /// The Luhn mod N check symbol value (N = 32) for a sequence of symbol values.
    ///
    /// Luhn mod N catches every single-symbol substitution and most adjacent transpositions,
    /// which are exactly the errors of a code misheard over the phone.
    static func luhnCheckValue(_ values: some BidirectionalCollection<Int>) -> Int {
        var factor = 2
        var sum = 0
        for value in values.reversed() {
            var addend = factor * value
            factor = factor == 2 ? 1 : 2
            addend = addend / 32 + addend % 32
            sum += addend
        }
        return (32 - sum % 32) % 32
    }
}
