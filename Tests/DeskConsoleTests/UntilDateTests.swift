@testable import DeskConsole
import Foundation
import PGClient
import Testing

/// `log --since 2026-11-29 --until 2026-11-29` means that whole day: a date alone as `--until`
/// is the end of the day (issue 14), in the agent's zone, across a change of clocks too.
@Suite struct UntilDateTests {
    static func utc(_ text: String) -> PGTimestamp {
        let time = TypedTime.parse(text)!
        return time.timestamp(localZone: TimeZone(identifier: "UTC")!)
    }

    @Test func aDateAloneAsUntilIsTheEndOfThatDay() throws {
        let times = TimeText(timeZone: TimeZone(identifier: "UTC")!)
        #expect(try TimeArgument.parse("2026-11-29", flag: "until", times: times, endOfDay: true) == Self.utc("2026-11-30T00:00:00Z"))
        #expect(try TimeArgument.parse("2026-11-29", flag: "since", times: times) == Self.utc("2026-11-29T00:00:00Z"))
        #expect(try TimeArgument.parse("2026-11-29 14:00", flag: "until", times: times, endOfDay: true) == Self.utc("2026-11-29T14:00:00Z"),
                "a time of day is taken as typed")
        #expect(try TimeArgument.parse("2026-12-31", flag: "until", times: times, endOfDay: true) == Self.utc("2027-01-01T00:00:00Z"))
        #expect(try TimeArgument.parse("2028-02-28", flag: "until", times: times, endOfDay: true) == Self.utc("2028-02-29T00:00:00Z"))
    }

    @Test func theEndOfADayIsMidnightInTheAgentsZoneWhenClocksChange() throws {
        let berlin = TimeText(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        // Clocks go forward on 2026-03-29: the next midnight is at +02:00.
        #expect(try TimeArgument.parse("2026-03-29", flag: "until", times: berlin, endOfDay: true) == Self.utc("2026-03-29T22:00:00Z"))
        #expect(try TimeArgument.parse("2026-03-28", flag: "until", times: berlin, endOfDay: true) == Self.utc("2026-03-28T23:00:00Z"))
    }
}
