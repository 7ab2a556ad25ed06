/// The database's reason rule (`portal.require_reason`, migration 0018), checked before a
/// disable is confirmed so the agent is not asked to confirm what the database will refuse.
///
/// The database stays the authority; this is a copy of its rule, kept equal to it by a property
/// test that runs random text through both. A reason counts what a reader sees: blank space and
/// invisible format characters do not count, control characters are refused.
enum ReasonRule {
    /// The longest reason, in code points after trimming.
    static let maximumLength = 1000

    /// Why the database would refuse `reason` (its DK007 sentence), or nil when it would not.
    static func refusal(_ reason: String, minimum: Int) -> String? {
        var scalars = Array(reason.unicodeScalars)
        while let first = scalars.first, isBlank(first) { scalars.removeFirst() }
        while let last = scalars.last, isBlank(last) { scalars.removeLast() }
        if scalars.contains(where: isControl) {
            return "a reason cannot contain control characters (tabs, line breaks, escapes)"
        }
        if scalars.count(where: { !isBlank($0) && !isInvisible($0) }) < minimum {
            return "a reason of at least \(minimum) characters is required"
        }
        if scalars.count > maximumLength { return "the reason is longer than \(maximumLength) characters" }
        return nil
    }

    /// White space as the database's rule lists it.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Format characters that show nothing, as the database's rule lists them.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xAD, 0x61C, 0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F,
             0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F: true
        default: false
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x1F || (0x7F...0x9F).contains(scalar.value)
    }
}
