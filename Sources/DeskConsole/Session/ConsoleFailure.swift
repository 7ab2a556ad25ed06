public import PGClient
public import DeskDatabase
import SupportClient

/// Why a command did not do what was asked, worded for the agent on the call. Scripts get the
/// same sentence plus the SQLSTATE when the database refused.
public struct ConsoleFailure: ReportableError, Equatable {
    /// What kind of failure, which decides the exit status and whether to reconnect.
    public enum Kind: Sendable, Equatable {
        /// The command line itself is wrong.
        case usage
        /// The database (or the console, before asking it) refused.
        case refused
        /// The connection went away; the command's fate may be unknown.
        case connectionLost
        /// Ctrl-C cancelled the query.
        case cancelled
    }

    public let kind: Kind
    /// The SQLSTATE when the database raised the error.
    public let sqlState: String?
    /// One plain sentence.
    public let message: String

    /// The sentence and SQLSTATE, as every SupportDesk program reports them.
    public var report: ErrorReport { ErrorReport(sqlState: sqlState, message: message) }

    /// A failure with its parts.
    public init(_ kind: Kind, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
    }

    /// A mistake on the command line.
    public static func usage(_ message: String) -> ConsoleFailure { ConsoleFailure(.usage, message: message) }

    /// Ctrl-C or Ctrl-D at one of a command's questions: the whole command is dropped.
    public static let cancelledQuestion = ConsoleFailure(.cancelled, message: "cancelled: nothing changed")

    /// A refusal the console makes itself.
    public static func refused(_ message: String) -> ConsoleFailure { ConsoleFailure(.refused, message: message) }

    /// A write refused because the server only reads (25006). Look-ups write too (each is
    /// recorded), so on a hot standby only `whoami`, `help` and the log commands work; the
    /// agent is told what this server is and how to reach the primary.
    public static func readOnly(standby: Bool) -> ConsoleFailure {
        ConsoleFailure(.refused, sqlState: "25006", message: standby
            ? "this server is a read-only standby: look-ups, code checks and disables are recorded, so they need the primary. Connect with target_session_attrs=read-write (or primary) in --db or DATABASE_URL, e.g. postgresql://HOST1,HOST2/portal?target_session_attrs=read-write"
            : "this session is read-only (default_transaction_read_only is on), and this command has to write: look-ups, code checks and disables are recorded")
    }

    /// The database's error as a sentence: policy refusals keep the database's own words.
    public init(_ error: PGError) {
        if error.isConnectionProblem || error.code == .connectionClosed {
            self.init(.connectionLost, message: "lost the connection to the server")
            return
        }
        let state = error.sqlState?.rawValue
        switch error.sqlState {
        case .queryCanceled?:
            self.init(.cancelled, sqlState: state, message: "cancelled")
        case .insufficientPrivilege?:
            self.init(.refused, sqlState: state, message: "permission denied: this login role is not a support agent (\(error.message))")
        case .adminShutdown?:
            self.init(.connectionLost, sqlState: state, message: "the server shut the connection down")
        default:
            if PortalRefusal(error) == nil && state?.hasPrefix("08") == true {
                self.init(.connectionLost, sqlState: state, message: "lost the connection to the server")
            } else {
                self.init(.refused, sqlState: state, message: error.message)
            }
        }
    }
}
