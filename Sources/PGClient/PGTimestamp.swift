public import Foundation

/// A PostgreSQL `timestamptz` to the microsecond.
///
/// Not `Date`: a `Date` is a floating-point count from 2001 and cannot promise to carry
/// microseconds exactly, while the audit chain hashes them and must recompute bit for bit.
public struct PGTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01 00:00:00 UTC; `Int64.max`/`Int64.min` stand for ±infinity.
    public let microsecondsSinceUnixEpoch: Int64

    /// Wraps a microsecond count.
    public init(microsecondsSinceUnixEpoch: Int64) {
        self.microsecondsSinceUnixEpoch = microsecondsSinceUnixEpoch
    }

    /// Rounds a `Date` to the nearest microsecond.
    public init(_ date: Date) {
        self.init(microsecondsSinceUnixEpoch: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }

    /// PostgreSQL's `infinity`.
    public static let infinity = PGTimestamp(microsecondsSinceUnixEpoch: .max)
    /// PostgreSQL's `-infinity`.
    public static let negativeInfinity = PGTimestamp(microsecondsSinceUnixEpoch: .min)

    /// Microseconds between the Unix epoch and PostgreSQL's epoch, 2000-01-01.
    static let postgresEpochOffset: Int64 = 946_684_800_000_000

    /// The instant as a `Date` (to within a `Date`'s precision).
    public var date: Date {
        Date(timeIntervalSince1970: Double(microsecondsSinceUnixEpoch) / 1_000_000)
    }

    public static func < (lhs: PGTimestamp, rhs: PGTimestamp) -> Bool {
        lhs.microsecondsSinceUnixEpoch < rhs.microsecondsSinceUnixEpoch
    }

    /// ISO 8601 in UTC with microseconds, e.g. `2026-11-29T08:00:00.123456Z`; the same text
    /// whatever the server's or the machine's time zone.
    public var description: String {
        if self == .infinity { return "infinity" }
        if self == .negativeInfinity { return "-infinity" }
        return iso8601(separator: "T", zone: "Z")
    }

    /// The literal sent as a query parameter: unambiguous under any DateStyle and TimeZone.
    var parameterText: String {
        if self == .infinity { return "infinity" }
        if self == .negativeInfinity { return "-infinity" }
        return iso8601(separator: " ", zone: "+00")
    }

    private func iso8601(separator: String, zone: String) -> String {
        let (seconds, micros) = microsecondsSinceUnixEpoch.floorDivided(by: 1_000_000)
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = Self.civilDate(daysSinceUnixEpoch: days)
        let isBeforeChrist = year <= 0
        let shownYear = isBeforeChrist ? 1 - year : year
        let time = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(micros, 6))"
        let dateText = "\(pad(shownYear, 4))-\(pad(month, 2))-\(pad(day, 2))"
        return dateText + separator + time + zone + (isBeforeChrist ? " BC" : "")
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, year 0 = 1 BC).
    static func civilDate(daysSinceUnixEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Quotient and remainder rounding towards negative infinity, so times before 1970 work.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
