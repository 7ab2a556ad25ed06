import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal mandatory on|off --customer A --by ADMIN_EMAIL`
struct Mandatory: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Force 2FA on every team member of a customer, or stop forcing it (administrators only).")

    /// on or off.
    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    @OptionGroup var options: DatabaseOptions
    @Argument(help: "on or off.") var state: Switch
    @Option(name: .long, help: "The customer's account number.") var customer: String
    @Option(name: .long, help: "The email of an administrator of that customer.") var by: String

    func run() throws {
        try PortalRunner.run(options) { connection in
            let changed = try PortalAPI(connection: connection, secrets: nil)
                .setMandatory(account: customer, administratorEmail: by, on: state == .on)
            let account = customer.uppercased()
            let text = changed ? "mandatory 2FA is now \(state.rawValue) for \(account)"
                               : "mandatory 2FA was already \(state.rawValue) for \(account); nothing changed"
            return PortalReport(text: text, fields: ["account": account, "mandatory": state == .on, "changed": changed])
        }
    }
}
