import ArgumentParser
import CommandLineSupport
import PortalCore

/// The new agent's password for `portal agent add NAME --password`, read from stdin before
/// anything is created: on a terminal it is typed twice, hidden (a typo would lock the agent
/// out), and piped it is one line, so a script can pass it without putting it in the arguments
/// that `ps` shows. It must follow the portal's password rules (at least 10 characters).
enum AgentPasswordInput {
    /// Reads and checks the password, or throws a usage error that says nothing was created.
    static func read(for name: String) throws -> String {
        let password: String
        if Platform.isTerminal(0) {
            guard let first = HiddenTyping.readLine(prompt: "Password for agent \(name): "), !first.isEmpty,
                  let second = HiddenTyping.readLine(prompt: "The same password again: ") else {
                throw ValidationError("no password was typed; nothing was created")
            }
            guard first == second else { throw ValidationError("the two passwords differ; nothing was created") }
            password = first
        } else {
            password = try PortalRunner.readPassword()
        }
        do {
            try PasswordHash.validate(password)
        } catch {
            throw ValidationError("\(error); nothing was created")
        }
        return password
    }
}
