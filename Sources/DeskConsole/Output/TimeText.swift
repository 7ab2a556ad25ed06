public import Foundation
public import PGClient

/// Times as an agent reads them on a call: local wall-clock time with the zone, and how far away
/// ("in 14 minutes"). Scripts get ISO 8601 UTC instead, from `PGTimestamp.description`.
public struct TimeText: Sendable {
    /// The zone times are shown in (the machine's, unless a test fixes one).
    public let timeZone: TimeZone
    /// The current time, injectable so tests can pin it.
    public let now: @Sendable () -> Date

    public init(timeZone: TimeZone = .current, now: @escaping @Sendable () -> Date = Date.init) {
        self.timeZone = timeZone
        self.now = now
    }

    /// `2026-11-29 10:42:13 CET`.
    public func absolute(_ time: PGTimestamp) -> String {
        if time == .infinity || time == .negativeInfinity { return time.description }
        let offset = Int64(timeZone.secondsFromGMT(for: time.date))
        let local = PGTimestamp(microsecondsSinceUnixEpoch: time.microsecondsSinceUnixEpoch + offset * 1_000_000).description
        let zone = ["UTC", "GMT", "Etc/UTC"].contains(timeZone.identifier) ? "UTC" : timeZone.abbreviation(for: time.date) ?? "UTC"
        return "\(local.prefix(10)) \(local.dropFirst(11).prefix(8)) \(zone)"
    }

    /// `10:42 CET (in 14 minutes)` for a time close to now, else the absolute time.
    public func deadline(_ time: PGTimestamp) -> String {
        let seconds = time.date.timeIntervalSince(now())
        return "\(absolute(time)) (\(seconds >= 0 ? "in " + Self.spoken(seconds: Int(seconds.rounded(.up))) : Self.spoken(seconds: Int(-seconds)) + " ago"))"
    }

    /// `15 minutes`, `1 hour`, `2 hours 5 minutes`, `40 seconds`; part of a minute counts as a
    /// minute. The database's `portal.spoken_interval` spells the same (a test holds them equal).
    public static func spoken(seconds: Int) -> String {
        func unit(_ count: Int, _ name: String) -> String { "\(count) \(name)\(count == 1 ? "" : "s")" }
        if seconds < 60 { return unit(seconds, "second") }
        let minutes = (seconds + 59) / 60
        if minutes < 60 { return unit(minutes, "minute") }
        let hours = minutes / 60, rest = minutes % 60
        return rest == 0 ? unit(hours, "hour") : unit(hours, "hour") + " " + unit(rest, "minute")
    }
}
