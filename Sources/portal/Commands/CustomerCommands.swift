import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal customer …`
struct CustomerCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer", abstract: "Customer accounts.", subcommands: [Add.self])

    /// `portal customer add --account A --name N`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a customer account.")

        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "The account number, like MS-10442.") var account: String
        @Option(name: .long, help: "The customer's name.") var name: String

        func run() throws {
            try PortalRunner.run(options) { connection in
                let id = try PortalAPI(connection: connection, secrets: nil).createCustomer(account: account, name: name)
                let number = account.uppercased()
                return PortalReport(text: "created customer \(number) (#\(id))",
                                    fields: ["customer_id": id, "account": number, "name": name])
            }
        }
    }
}
