import ArgumentParser
import CommandLineSupport
import PortalCore

/// An agent's new password for `portal agent add NAME --password` and `portal agent password
/// NAME`, read from stdin before anything is changed: on a terminal it is typed twice, hidden (a
/// typo would lock the agent out), and piped it is one line, so a script can pass it without
/// putting it in the arguments that `ps` shows. It must follow the portal's password rules (at
/// least 10 characters).
enum AgentPasswordInput {
    /// Reads and checks the password, or throws a usage error that ends with `unchanged` ("nothing
    /// was created", "nothing changed"), so the person knows nothing was done.
    static func read(for name: String, prompt: String? = nil, unchanged: String = "nothing was created") throws -> String {
        let password: String
        if Platform.isTerminal(0) {
            guard let first = HiddenTyping.readLine(prompt: prompt ?? "Password for agent \(name): "), !first.isEmpty,
                  let second = HiddenTyping.readLine(prompt: "The same password again: ") else {
                throw ValidationError("no password was typed; \(unchanged)")
            }
            guard first == second else { throw ValidationError("the two passwords differ; \(unchanged)") }
            password = first
        } else {
            do {
                password = try PortalRunner.readPassword()
            } catch {
                throw ValidationError("\(error); \(unchanged)")
            }
        }
        do {
            try PasswordHash.validate(password)
        } catch {
            throw ValidationError("\(error); \(unchanged)")
        }
        return password
    }
}
