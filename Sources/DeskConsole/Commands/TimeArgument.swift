import Foundation
import PGClient

/// Reads `--since`/`--until`: a span back from now (`30m`, `12h`, `7d`, `2w`) or a date
/// (`2026-11-29`, `2026-11-29 14:00`, `2026-11-29T14:00:00Z`), local time unless a zone is given.
/// Any text at all ends in a time or a usage error: nothing here hands text to a formatter.
enum TimeArgument {
    /// With `endOfDay`, a date alone means the end of that day (the start of the next), as
    /// people mean `--until 2026-11-29`; a time of day or a span is taken as typed.
    static func parse(_ text: String, flag: String, times: TimeText, endOfDay: Bool = false) throws(ConsoleFailure) -> PGTimestamp {
        let trimmed = trimmingBlanks(text)
        if let span = relativeSeconds(trimmed) {
            return PGTimestamp(times.now().addingTimeInterval(-Double(span)))
        }
        if let time = TypedTime.parse(trimmed) {
            return (endOfDay && !time.hasTimeOfDay ? time.addingDays(1) : time).timestamp(localZone: times.timeZone)
        }
        throw .usage("--\(flag) takes a span like 7d, 12h, 30m, 2w or a date like 2026-11-29, 2026-11-29 14:00 or ISO 8601 with a zone (…T14:00:00Z, …+01:00); not \(text)")
    }

    /// The text without leading and trailing ASCII spaces and tabs (bytes, not characters, so a
    /// combining mark after a space stays part of what is refused).
    private static func trimmingBlanks(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// `N` ASCII digits (at most 100,000) and one unit letter, in seconds; nil for anything else.
    private static func relativeSeconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 7, let unit = bytes.last else { return nil }
        var count = 0
        for byte in bytes.dropLast() {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            count = count * 10 + Int(byte - 0x30)
        }
        guard count <= 100_000 else { return nil }
        switch unit {
        case UInt8(ascii: "m"): return count * 60
        case UInt8(ascii: "h"): return count * 3600
        case UInt8(ascii: "d"): return count * 86_400
        case UInt8(ascii: "w"): return count * 7 * 86_400
        default: return nil
        }
    }
}
