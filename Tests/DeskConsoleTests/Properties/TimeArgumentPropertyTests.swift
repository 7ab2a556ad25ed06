@testable import DeskConsole
import FuzzTesting
import Foundation
import PGClient
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

/// `log --since/--until` times: any text ends in a time or a usage error (never a trap), what is
/// accepted means what PostgreSQL says it means, and nothing loose gets through.
@Suite struct TimeArgumentPropertyTests {
    static let utc = TimeText(timeZone: TimeZone(identifier: "UTC")!, now: { Date(timeIntervalSince1970: 1_795_000_000) })

    /// A valid time, written in one of the accepted forms, and the zone suffix it was given.
    static var validTimes: Generator<(text: String, zone: Bool), some SendableSequenceType> {
        zip(Gen.int(in: 1...9999), Gen.int(in: 1...12), Gen.int(in: 1...31), Gen.int(in: 0...86_399),
            Gen.int(in: 0...999_999), Gen.int(in: 0...6), Gen.int(in: -(14 * 60)...(14 * 60)))
            .map { year, month, day, secondOfDay, micros, form, offsetMinutes in
                func pad(_ value: Int, _ width: Int) -> String {
                    let digits = String(value)
                    return String(repeating: "0", count: max(0, width - digits.count)) + digits
                }
                let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(min(day, TypedTime.daysIn(month: month, year: year)), 2))"
                let clock = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2))"
                let seconds = ":\(pad(secondOfDay % 60, 2))"
                let fraction = "." + String(pad(micros, 6).prefix(1 + micros % 6))
                let sign = offsetMinutes < 0 ? "-" : "+"
                let offset = "\(sign)\(pad(abs(offsetMinutes) / 60, 2)):\(pad(abs(offsetMinutes) % 60, 2))"
                switch form {
                case 0: return (date, false)
                case 1: return ("\(date) \(clock)", false)
                case 2: return ("\(date)T\(clock)\(seconds)", false)
                case 3: return ("\(date)T\(clock)\(seconds)Z", true)
                case 4: return ("\(date)T\(clock)\(seconds)\(fraction)\(offset)", true)
                case 5: return ("\(date) \(clock)\(seconds)\(fraction)Z", true)
                default: return ("\(date)T\(clock)\(offset.replacingOccurrences(of: ":", with: ""))", true)
                }
            }
    }

    @Test func everyTextEndsInATimeOrAUsageErrorNeverATrap() async {
        for line in FuzzCorpus.consoleLines { _ = try? TimeArgument.parse(line, flag: "since", times: Self.utc) }
        await propertyCheck(count: 3000, input: FuzzGen.hostileText(length: 0...16)) { text in
            do throws(ConsoleFailure) {
                _ = try TimeArgument.parse(text, flag: "since", times: Self.utc)
            } catch {
                #expect(error.kind == .usage)
            }
        }
    }

    @Test func aCombiningMarkOrTrailingJunkIsRefused() {
        for text in ["1\u{301}", "1\u{200D}", "2\u{FE0F}\u{20E3}", "7\u{1F3FD}d", "2026-11-29\u{E0041}", "2026-11-29T14:00:00Zjunk",
                     "2026-11-29T14:00:00+99:99", "2026-11-29T14:00:00+15:00", "2026-02-30", "2026-11-29 24:00", "2026-11-29T14",
                     "2026-11-29T14:00:00.", "2026-11-29T14:00:00.1234567Z", "２０２６-11-29", "2026-11-29T14:00:00+05:", "+5d", "-5d", "100001d"] {
            #expect(throws: ConsoleFailure.self, "\(text.unicodeScalars.map { String($0.value, radix: 16) })") {
                try TimeArgument.parse(text, flag: "since", times: Self.utc)
            }
        }
    }

    /// The oracle is PostgreSQL itself: a time with a zone reads as the same instant there.
    @Test func acceptedTimesMeanWhatPostgreSQLSaysTheyMean() async throws {
        try await withTestDatabaseAsync { connection in
            _ = try connection.query("SET TimeZone = 'UTC'")
            await propertyCheck(count: 400, input: Self.validTimes) { time in
                let parsed = try #require(TypedTime.parse(time.text), "\(time.text)")
                let ours = parsed.timestamp(localZone: TimeZone(identifier: "UTC")!)
                let theirs = try connection.query("SELECT $1::text::timestamptz", [time.text]).single().decode(PGTimestamp.self, at: 0)
                #expect(ours == theirs, "\(time.text)")
            }
        }
    }

    @Test func localTimesUseTheAgentsZone() throws {
        let paris = TimeText(timeZone: TimeZone(identifier: "Europe/Paris")!)
        #expect(try TimeArgument.parse("2026-11-29 14:00", flag: "since", times: paris).description == "2026-11-29T13:00:00.000000Z")
        #expect(try TimeArgument.parse("2026-07-01", flag: "since", times: paris).description == "2026-06-30T22:00:00.000000Z")
        #expect(try TimeArgument.parse(" 2026-07-01T10:00:00.5+05:30 ", flag: "since", times: paris).description == "2026-07-01T04:30:00.500000Z")
        #expect(try TimeArgument.parse("7d", flag: "since", times: Self.utc).date == Self.utc.now().addingTimeInterval(-7 * 86_400))
    }
}

/// Runs `body` with a superuser connection to a fresh test database.
func withTestDatabaseAsync(template: DatabaseTemplate = .empty, _ body: (PGConnection) async throws -> Void) async throws {
    let database = try PostgresCluster.shared().createDatabase(from: template)
    defer { try? database.drop() }
    let connection = try database.connect()
    defer { connection.close() }
    try await body(connection)
}
