/// PostgreSQL's binary `numeric`: a header and base-10000 digit groups, turned into exact text.
enum NumericText {
    static func decode(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count >= 8 else { return nil }
        func int16(at offset: Int) -> Int {
            Int(Int16(bitPattern: UInt16(bigEndianBytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 2]))))
        }
        let count = int16(at: 0)
        let weight = int16(at: 2)
        let sign = UInt16(bitPattern: Int16(int16(at: 4)))
        let scale = int16(at: 6)
        guard count >= 0, scale >= 0, bytes.count == 8 + 2 * count else { return nil }
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        case 0x0000, 0x4000: break
        default: return nil
        }
        let groups = (0..<count).map { int16(at: 8 + 2 * $0) }
        guard groups.allSatisfy({ (0..<10_000).contains($0) }) else { return nil }
        func group(_ index: Int) -> Int { index >= 0 && index < count ? groups[index] : 0 }

        var integerPart = ""
        if weight < 0 {
            integerPart = "0"
        } else {
            for index in 0...weight {
                let text = String(group(index))
                integerPart += index == 0 ? text : String(repeating: "0", count: 4 - text.count) + text
            }
        }
        var fraction = ""
        var index = weight + 1
        while fraction.count < scale {
            let text = String(group(index))
            fraction += String(repeating: "0", count: 4 - text.count) + text
            index += 1
        }
        fraction = String(fraction.prefix(scale))
        let magnitude = scale > 0 ? integerPart + "." + fraction : integerPart
        return sign == 0x4000 ? "-" + magnitude : magnitude
    }
}
