public import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal user …`
struct UserCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Team members.", subcommands: [Add.self])

    /// `portal user add --customer A --email E --name N [--role R] [--phone P]`, password on stdin.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a team member to a customer; the password is read from stdin (one line).")

        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "The customer's account number.") var customer: String
        @Option(name: .long, help: "The member's email (unique, case-insensitive).") var email: String
        @Option(name: .long, help: "The member's name.") var name: String
        @Option(name: .long, help: "administrator or member.") var role: MemberRole = .member
        @Option(name: .long, help: "A phone number, e.g. +44 20 7946 0958.") var phone: String?

        func run() throws {
            let password = try PortalRunner.readPassword()
            try PasswordHash.validate(password)
            try PortalRunner.run(options) { connection in
                let id = try PortalAPI(connection: connection, secrets: nil).addMember(
                    account: customer, email: email, name: name, role: role, phone: phone, password: password)
                return PortalReport(text: "added \(email) to \(customer.uppercased()) as \(role.rawValue) (#\(id))",
                                    fields: ["member_id": id, "email": email, "role": role.rawValue])
            }
        }
    }

    /// A team member's role.
}

extension MemberRole: ArgumentParser.ExpressibleByArgument {}
