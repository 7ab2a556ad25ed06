import Foundation
import PGClient

/// Reads `--since`/`--until`: a span back from now (`30m`, `12h`, `7d`, `2w`) or a date
/// (`2026-11-29`, `2026-11-29 14:00`, `2026-11-29T14:00:00Z`), local time unless a zone is given.
enum TimeArgument {
    static func parse(_ text: String, flag: String, times: TimeText) throws(ConsoleFailure) -> PGTimestamp {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let span = relativeSeconds(trimmed) {
            return PGTimestamp(times.now().addingTimeInterval(-Double(span)))
        }
        if let date = absolute(trimmed, timeZone: times.timeZone) { return PGTimestamp(date) }
        throw .usage("--\(flag) takes a span like 7d, 12h, 30m, 2w or a date like 2026-11-29 or 2026-11-29 14:00; not \(TerminalSafeText.escape(text))")
    }

    private static func relativeSeconds(_ text: String) -> Int? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 100_000 else { return nil }
        switch unit {
        case "m": return count * 60
        case "h": return count * 3600
        case "d": return count * 86_400
        case "w": return count * 7 * 86_400
        default: return nil
        }
    }

    private static func absolute(_ text: String, timeZone: TimeZone) -> Date? {
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            iso.formatOptions = options
            if let date = iso.date(from: text) { return date }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        for format in ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
