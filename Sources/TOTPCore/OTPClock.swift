import Foundation

/// Where "now" comes from, passed in so that verification can be tested at any instant and so
/// that a server can use one reading of the clock for a whole request.
public protocol OTPClock: Sendable {
    /// Whole seconds since the Unix epoch (UTC), rounded down.
    var unixTime: Int64 { get }
}

/// The machine's real-time clock.
public struct SystemOTPClock: OTPClock {
    /// Creates the clock; it has no state.
    public init() {}

    public var unixTime: Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }
}

/// A clock stopped at one instant, for tests and for replaying a past check.
public struct FixedOTPClock: OTPClock {
    /// The instant this clock always reports.
    public let unixTime: Int64

    /// Stops the clock at `unixTime`.
    public init(unixTime: Int64) { self.unixTime = unixTime }
}
