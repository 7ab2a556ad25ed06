/// What one round of delivery did, for the service's log and `portal notify --once`.
public struct DeliveryTally: Sendable, Equatable {
    /// Handed to the mail system.
    public var sent = 0
    /// Failed this try, to be retried after the back-off.
    public var retrying = 0
    /// Failed for good (last try, or a message that cannot be made).
    public var failed = 0

    /// An empty tally.
    public init() {}

    /// Every notification this round tried.
    public var tried: Int { sent + retrying + failed }

    /// Adds another round's counts.
    public static func + (left: DeliveryTally, right: DeliveryTally) -> DeliveryTally {
        var total = left
        total.sent += right.sent
        total.retrying += right.retrying
        total.failed += right.failed
        return total
    }
}
