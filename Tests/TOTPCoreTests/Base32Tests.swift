import Testing
@testable import TOTPCore

@Suite struct Base32Tests {
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
    ]

    @Test func encodesRFC4648VectorsWithoutPadding() {
        for (plain, encoded) in Self.rfc4648 {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
        }
    }

    @Test func decodesRFC4648VectorsPaddedOrNot() throws {
        let padded = ["", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"]
        for ((plain, encoded), withPadding) in zip(Self.rfc4648, padded) {
            #expect(try Base32.decode(encoded) == Array(plain.utf8))
            #expect(try Base32.decode(withPadding) == Array(plain.utf8))
        }
    }

    @Test func decodingForgivesCaseSpacesAndDashes() throws {
        #expect(try Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
        #expect(try Base32.decode("JBSW Y3DP EHPK 3PXP") == [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef])
    }

    @Test func invalidCharactersAreRefusedWithTheirPosition() {
        #expect(throws: Base32DecodingError.invalidCharacter("1", position: 2)) { try Base32.decode("MZ1Q") }
        #expect(throws: Base32DecodingError.invalidCharacter("8", position: 0)) { try Base32.decode("8ZXQ") }
        #expect(throws: Base32DecodingError.invalidCharacter("é", position: 1)) { try Base32.decode("Méxq") }
        #expect(throws: Base32DecodingError.invalidCharacter("_", position: 4)) { try Base32.decode("MZXQ_") }
    }

    @Test(arguments: [1, 3, 6, 9, 11, 14])
    func impossibleLengthsAreRefused(symbols: Int) {
        let text = String(repeating: "A", count: symbols)
        #expect(throws: Base32DecodingError.impossibleLength(symbols: symbols)) { try Base32.decode(text) }
    }

    @Test func nonZeroTrailingBitsAreRefused() {
        // "MY" is "f"; "MZ" sets a bit beyond the byte: no encoder writes it.
        #expect(throws: Base32DecodingError.nonZeroTrailingBits) { try Base32.decode("MZ") }
        #expect(throws: Base32DecodingError.nonZeroTrailingBits) { try Base32.decode("MZXR") }
    }

    @Test func paddingMustBeWhereAndHowMuchAnEncoderPutsIt() {
        #expect(throws: Base32DecodingError.misplacedPadding(position: 3)) { try Base32.decode("MY=A") }
        #expect(throws: Base32DecodingError.wrongPadding(symbols: 2, padding: 2)) { try Base32.decode("MY==") }
        #expect(throws: Base32DecodingError.wrongPadding(symbols: 8, padding: 8)) { try Base32.decode("MZXW6YTB========") }
    }

    @Test func randomBytesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base32.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(try Base32.decode(encoded) == bytes)
            #expect(try Base32.decode(encoded.lowercased()) == bytes)
        }
    }
}
