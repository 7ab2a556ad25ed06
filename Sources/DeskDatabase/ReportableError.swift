public import PGClient

/// What a failed command tells people and scripts, whichever program ran it: one sentence, and
/// the SQLSTATE when the database (or the portal under the same contract) refused. The console
/// and the portal render the same shape (`{"sqlstate": …, "message": …}`).
public struct ErrorReport: Sendable, Equatable {
    /// The SQLSTATE (`DK005`, `42501`, …), nil when no database refusal is behind it.
    public let sqlState: String?
    /// One plain sentence.
    public let message: String

    /// A report with its parts.
    public init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }
}

/// An error that knows its report: the one contract both front ends map their failures from.
public protocol ReportableError: Error, Sendable {
    /// The sentence and SQLSTATE to show.
    var report: ErrorReport { get }
}

extension PortalRefusal: ReportableError {
    /// The rule's DK code and the database's own words.
    public var report: ErrorReport { ErrorReport(sqlState: code.sqlState, message: message) }
}

extension PGError: ReportableError {
    /// The server's SQLSTATE (when it sent one) and its message.
    public var report: ErrorReport { ErrorReport(sqlState: sqlState?.rawValue, message: message) }
}
