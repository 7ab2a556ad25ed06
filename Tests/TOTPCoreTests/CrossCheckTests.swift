import Foundation
import Testing
import ProcessTesting
@testable import TOTPCore

/// TOTPCore against two independent implementations, oathtool (C, OATH Toolkit) and pyotp
/// (Python), on randomised cases: every algorithm, 6–8 digits, periods from 1 s to a day
/// (pyotp: up to its 120 s limit), T0 (oathtool),
/// secrets of 16–64 bytes and times on and next to step boundaries up to the year 9999.
/// `scripts/install-deps` installs both; a missing one fails the test rather than skipping it.
@Suite struct CrossCheckTests {
    struct Case: Codable {
        let algorithm: String
        let digits: Int
        let period: Int64
        let t0: Int64
        let time: Int64
        let secretHex: String
        let secretBase32: String
        let expected: String
    }

    static let latestTime: Int64 = 253_402_300_799 // 9999-12-31T23:59:59Z, pyotp's datetime limit

    static func makeCases(count: Int, withT0: Bool, maximumPeriod: Int64 = 86_400, seed: UInt64) throws -> [Case] {
        var random = SplitMix64(seed: seed)
        let periods: [Int64] = [1, 10, 15, 30, 60, 90, 300, 3600, 86_400]
        return try (0..<count).map { index in
            let algorithm = OTPAlgorithm.allCases[index % 3]
            let digits = 6 + Int(random.next() % 3)
            let allowed = periods.filter { $0 <= maximumPeriod }
            let period = index % 4 == 3
                ? Int64(1 + random.next() % UInt64(maximumPeriod))
                : allowed[Int(random.next() % UInt64(allowed.count))]
            let t0 = withT0 ? Int64(random.next() % 2_000_000_000) : 0
            let steps = UInt64((latestTime - t0) / period)
            let boundary = t0 + Int64(random.next() % steps) * period
            let offset = Int64(random.next() % 3) - 1
            let time = min(max(boundary + offset, t0), latestTime)
            let length = 16 + Int(random.next() % 49)
            let secret = try OTPSecret(bytes: (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            let totp = try TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period, t0: t0)
            return Case(
                algorithm: algorithm.rawValue, digits: digits, period: period, t0: t0, time: time,
                secretHex: secret.bytes.map { String(format: "%02x", $0) }.joined(),
                secretBase32: secret.base32, expected: try totp.code(at: time))
        }
    }

    static func seed() -> UInt64 {
        ProcessInfo.processInfo.environment["TOTP_CROSSCHECK_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
    }

    @Test func agreesWithOathtool() throws {
        let seed = Self.seed()
        let cases = try Self.makeCases(count: 600, withT0: true, seed: seed)
        var disagreements: [String] = []
        for item in cases {
            let output = try ProcessRunner.run("oathtool", [
                "--totp=\(item.algorithm)", "--digits=\(item.digits)", "--time-step-size=\(item.period)s",
                "--start-time=@\(item.t0)", "--now=@\(item.time)", item.secretHex,
            ])
            try #require(output.status == 0, "oathtool failed (is it installed? scripts/install-deps): \(output.standardError)")
            let code = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            if code != item.expected {
                disagreements.append("\(item.algorithm) d=\(item.digits) p=\(item.period) t0=\(item.t0) t=\(item.time): oathtool \(code), ours \(item.expected)")
            }
        }
        #expect(disagreements.count == 0, "seed \(seed): \(disagreements.count) of \(cases.count) disagree:\n\(disagreements.prefix(10).joined(separator: "\n"))")
    }

    @Test func agreesWithPyotp() throws {
        let seed = Self.seed()
        // pyotp refuses intervals over 120 s and has no T0; oathtool covers those.
        let cases = try Self.makeCases(count: 600, withT0: false, maximumPeriod: 120, seed: seed)
        let script = """
            import datetime, hashlib, json, sys, pyotp
            digests = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
            for line in sys.stdin:
                c = json.loads(line)
                totp = pyotp.TOTP(c["secretBase32"], digits=c["digits"], digest=digests[c["algorithm"]], interval=c["period"])
                print(totp.at(datetime.datetime.fromtimestamp(c["time"], tz=datetime.timezone.utc)))
            """
        let encoder = JSONEncoder()
        let input = try cases.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let output = try ProcessRunner.run("python3", ["-c", script], input: input)
        try #require(output.status == 0, "pyotp failed (is it installed? scripts/install-deps): \(output.standardError)")
        let codes = output.standardOutput.split(separator: "\n").map(String.init)
        try #require(codes.count == cases.count)
        var disagreements: [String] = []
        for (item, code) in zip(cases, codes) where code != item.expected {
            disagreements.append("\(item.algorithm) d=\(item.digits) p=\(item.period) t=\(item.time): pyotp \(code), ours \(item.expected)")
        }
        #expect(disagreements.count == 0, "seed \(seed): \(disagreements.count) of \(cases.count) disagree:\n\(disagreements.prefix(10).joined(separator: "\n"))")
    }

    @Test func casesReallyCoverTheSpace() throws {
        let cases = try Self.makeCases(count: 600, withT0: true, seed: 1)
        #expect(Set(cases.map(\.algorithm)).count == 3)
        #expect(Set(cases.map(\.digits)) == [6, 7, 8])
        #expect(Set(cases.map { $0.secretHex.count / 2 }).count > 40)
        #expect(cases.contains { ($0.time - $0.t0) % $0.period == 0 })
        #expect(cases.contains { ($0.time - $0.t0) % $0.period == $0.period - 1 })
        #expect(cases.contains { $0.time > 20_000_000_000 })
    }
}

/// A small seeded generator, so a failing cross-check can be rerun with the seed it printed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
