/// Comparisons whose duration does not depend on where two secrets differ.
///
/// Comparing codes or hashes with `==` stops at the first differing byte, which lets an attacker
/// who can time responses learn a value byte by byte.
public enum ConstantTime {
    /// True when both sequences hold the same bytes. Lengths are treated as public: sequences of
    /// different lengths return false at once, but equal-length ones are always read to the end.
    public static func equals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) {
            difference |= x ^ y
        }
        return difference == 0
    }
}
