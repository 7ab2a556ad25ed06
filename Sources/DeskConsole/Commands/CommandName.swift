/// Every command the console knows, by the name typed (`log verify` takes two words). The one
/// list: the table gives each its help and handler, and nothing else spells the names.
public enum CommandName: String, Sendable, CaseIterable {
    case find
    case show
    case verify
    case sendCode = "send-code"
    case disable = "disable-2fa"
    case unlock
    case log
    case logVerify = "log verify"
    case logAnchor = "log anchor"
    case review
    case reviewApprove = "review approve"
    case reviewConcern = "review concern"
    case requests
    case approve
    case reject
    case logFollow = "log follow"
    case report
    case whoami
    case help
    case quit
}
