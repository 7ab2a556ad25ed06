public import PGClient

/// How `report` groups its counts: the database's three groupings, named once so the console's
/// flag, help text and the call all derive from this type rather than repeating strings.
public enum ReportGrouping: String, Sendable, CaseIterable {
    /// By the login role that acted (the event's actor).
    case agent
    /// By calendar day in the report's time zone.
    case day
    /// By the customer's account number.
    case customer
}

/// A period a report covers, [since, until), and the zone its days are counted in, so "a day"
/// means the supervisor's day and never the server's TimeZone setting.
public struct ReportPeriod: Sendable, Equatable {
    public let since: PGTimestamp
    public let until: PGTimestamp
    /// An IANA zone name the server knows (`Europe/Berlin`, `UTC`).
    public let timeZone: String

    /// A period; the database refuses one that ends before it starts, or is longer than three years.
    public init(since: PGTimestamp, until: PGTimestamp, timeZone: String) {
        self.since = since
        self.until = until
        self.timeZone = timeZone
    }
}

/// One row of the activity report: the counts of one agent, day or customer, or the total.
/// Every count is the number of audit events of its kind in the period.
public struct ActivityCounts: Sendable, Equatable {
    /// The agent, day (`2026-11-29`) or account number; nil on the total row (and for events
    /// with no account when grouped by customer).
    public let key: String?
    /// Whether this is the total over the whole period.
    public let isTotal: Bool
    public let verifies: Int64
    public let mismatches: Int64
    /// Member and agent locks started.
    public let locks: Int64
    public let disables: Int64
    public let overrides: Int64
    public let unlocks: Int64
    public let disputes: Int64
    /// Second-approver approvals of held disables.
    public let approvals: Int64
    /// Second-approver rejections of held disables.
    public let rejections: Int64
    /// Review sign-offs (approved or with a concern).
    public let reviews: Int64
    /// Reviews that raised a concern.
    public let concerns: Int64
    /// Median seconds from the agent's first code check on the member to the disable; nil
    /// when no disable of the group had a check in the hour before it.
    public let medianSecondsToDisable: Double?
    /// How many disables that median is taken over.
    public let timedDisables: Int64
}

/// The review queue's backlog at the end of the period, and its oldest waiting item.
public struct ReviewBacklog: Sendable, Equatable {
    public let pending: Int64
    public let oldest: BacklogItem?
}

/// A review item waiting for sign-off.
public struct BacklogItem: Sendable, Equatable {
    /// The event number of the action to review.
    public let eventID: Int64
    public let occurredAt: PGTimestamp
    public let actor: String
    public let action: String
    public let target: String
    public let accountNumber: String?
}

/// Support disables and overrides of one agent on one day, for the report's chart.
public struct DailyDisables: Sendable, Equatable {
    /// The day, `YYYY-MM-DD`, in the report's zone.
    public let day: String
    public let agent: String
    public let disables: Int64
    public let overrides: Int64
}

/// The review backlog at the end of one day.
public struct BacklogDay: Sendable, Equatable {
    /// The day, `YYYY-MM-DD`, in the report's zone.
    public let day: String
    public let pending: Int64
}

/// Everything `report` shows, read in one repeatable-read transaction so the table, the
/// backlog and the charts agree with one another.
public struct DeskReport: Sendable, Equatable {
    public let period: ReportPeriod
    public let grouping: ReportGrouping?
    /// The groups in order, then the total (always last).
    public let rows: [ActivityCounts]
    public let backlog: ReviewBacklog
    public let dailyDisables: [DailyDisables]
    public let backlogDays: [BacklogDay]

    /// The total row.
    public var total: ActivityCounts? { rows.last { $0.isTotal } }
}
