import TOTPCore
import PortalCore
import DeskDatabase
/// A phone call to rehearse on the demo data: who calls, what they say, what should happen.
public struct CallScenario: Sendable, Equatable {
    /// A short title, e.g. "Lost phone".
    public let title: String
    /// The caller's name, email and account.
    public let caller: String
    public let email: String
    public let account: String
    /// The recovery code the caller reads out, if any.
    public let recoveryCode: String?
    /// What the caller reads when asked to read the code again (after a misheard character).
    public var readsAgain: String? = nil
    /// What the agent should see and do.
    public let expectation: String
}
