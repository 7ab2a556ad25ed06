import Foundation
import PGClient

/// A date and time as an agent types it for `log --since/--until`, read strictly by hand.
///
/// Why by hand: Foundation's `DateFormatter` traps ("Incorrect range") on some text, such as a
/// digit followed by a combining mark (`1\u{301}`), and any agent can type that. This reads the
/// UTF-8 bytes against a fixed grammar and never hands text to a formatter, so every input ends
/// in a value or nil:
///
///     YYYY-MM-DD [(T| )HH:MM[:SS[.F{1,6}]][Z|±HH[:]MM|±HH]]
///
/// Every field is range-checked (a real day of a real month, hours 0–23, offsets at most
/// ±14:59), and nothing may follow: `2026-11-29T14:00:00Zjunk` and `+99:99` are refused.
struct TypedTime: Equatable, Sendable {
    var year: Int, month: Int, day: Int
    var hour = 0, minute = 0, second = 0, microsecond = 0
    /// Seconds east of UTC when a zone was typed; nil means the agent's local time.
    var offsetSeconds: Int?
    /// Whether a time of day was typed, not only a date.
    var hasTimeOfDay = false

    /// The same wall-clock time `days` days later (the start of the next day, for a date alone
    /// given as the end of a range).
    func addingDays(_ days: Int) -> TypedTime {
        var later = self
        later.extraDays += days
        return later
    }
    /// Days added after the date typed (see `addingDays`).
    var extraDays = 0

    /// Reads `text`, or nil when it is not exactly one of the accepted forms.
    static func parse(_ text: String) -> TypedTime? {
        var reader = ByteReader(Array(text.utf8))
        return reader.typedTime()
    }

    /// The instant it names: with its own zone, or in `localZone` (the machine's).
    func timestamp(localZone: TimeZone) -> PGTimestamp {
        let days = Int64(Self.daysFromCivil(year: year, month: month, day: day) + extraDays)
        let wallSeconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let offset: Int64
        if let offsetSeconds {
            offset = Int64(offsetSeconds)
        } else {
            // The zone's offset at that wall-clock time: guess from the wall time read as UTC,
            // then correct once with the offset at the instant that guess gives.
            let guess = Int64(localZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wallSeconds))))
            offset = Int64(localZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wallSeconds - guess))))
        }
        return PGTimestamp(microsecondsSinceUnixEpoch: (wallSeconds - offset) * 1_000_000 + Int64(microsecond))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// How many days `month` of `year` has.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Walks the bytes of typed text; each step either consumes what it expects or fails.
private struct ByteReader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func takeAny(of choices: [UInt8]) -> UInt8? {
        guard index < bytes.count, choices.contains(bytes[index]) else { return nil }
        index += 1
        return bytes[index - 1]
    }

    /// Exactly `count` ASCII digits as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard bytes.count - index >= count else { return nil }
        var value = 0
        for _ in 0..<count {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
            index += 1
        }
        return value
    }

    mutating func typedTime() -> TypedTime? {
        guard let year = digits(4), year >= 1, take(0x2D), let month = digits(2), (1...12).contains(month),
              take(0x2D), let day = digits(2), day >= 1, day <= TypedTime.daysIn(month: month, year: year) else { return nil }
        var time = TypedTime(year: year, month: month, day: day)
        if atEnd { return time }
        guard takeAny(of: [0x54, 0x74, 0x20]) != nil,              // T, t or one space
              let hour = digits(2), hour <= 23, take(0x3A), let minute = digits(2), minute <= 59 else { return nil }
        (time.hour, time.minute) = (hour, minute)
        time.hasTimeOfDay = true
        if take(0x3A) {
            guard let second = digits(2), second <= 59 else { return nil }
            time.second = second
            if take(0x2E) {
                var count = 0
                var fraction = 0
                while count < 6, let digit = digits(1) {
                    fraction = fraction * 10 + digit
                    count += 1
                }
                guard count > 0 else { return nil }
                for _ in count..<6 { fraction *= 10 }
                time.microsecond = fraction
            }
        }
        if atEnd { return time }
        if takeAny(of: [0x5A, 0x7A]) != nil {                        // Z or z
            time.offsetSeconds = 0
        } else if let sign = takeAny(of: [0x2B, 0x2D]) {             // + or -
            guard let hours = digits(2), hours <= 14 else { return nil }
            var minutes = 0
            if !atEnd {
                _ = take(0x3A)
                guard let value = digits(2), value <= 59 else { return nil }
                minutes = value
            }
            time.offsetSeconds = (sign == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        return atEnd ? time : nil
    }
}
