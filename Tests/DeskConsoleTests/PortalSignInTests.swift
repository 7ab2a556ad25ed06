import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

/// `portal` signs in by the console's rule (`PasswordSignIn`): it asks for the password on the
/// terminal when the server wants one and none was given, once more after a wrong one, never
/// with `-w` or with stdin off a terminal; the services (`serve`, `chain`, `notify`), which
/// reconnect unattended, never ask and say where a password must come from instead.
@Suite(.serialized) struct PortalSignInTests {
    @Test func portalAsksOnATerminalAndSignsInWithTheTypedPassword() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let terminal = try PseudoTerminal(BuiltProduct.path("portal"), ["status"],
                                              environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try terminal.expect("Password for user \(name): ")
            terminal.type(TLSSignIn.password + "\r", atPrompt: false)
            try terminal.expect("database portal as \(name) on PostgreSQL")
            #expect(try terminal.wait() == 0)
            #expect(!terminal.transcript.contains(TLSSignIn.password), "the typing is hidden")
        }
    }

    @Test func aWrongPasswordIsAskedOnceMoreThenTheRightOneSignsIn() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let terminal = try PseudoTerminal(BuiltProduct.path("portal"), ["status"],
                                              environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try terminal.expect("Password for user \(name): ")
            terminal.type("not-the-password\r", atPrompt: false)
            try terminal.expect("portal: ")
            try terminal.expect("password authentication failed for user \"\(name)\"")
            try terminal.expect("Password for user \(name): ")
            terminal.type(TLSSignIn.password + "\r", atPrompt: false)
            try terminal.expect("database portal as \(name)")
            #expect(try terminal.wait() == 0)

            // Wrong twice: no third prompt, the connection's exit status.
            let twice = try PseudoTerminal(BuiltProduct.path("portal"), ["status"],
                                           environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try twice.expect("Password for user \(name): ")
            twice.type("wrong-once\r", atPrompt: false)
            try twice.expect("Password for user \(name): ")
            twice.type("wrong-twice\r", atPrompt: false)
            try twice.expect("portal: could not connect (DATABASE_URL): ")
            #expect(try twice.wait() == 2)
            #expect(twice.transcript.components(separatedBy: "Password for user").count == 3, "two prompts, no third")
        }
    }

    @Test func noPasswordFlagNeverAsksEvenOnATerminal() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            for arguments in [["status", "-w"], ["status", "--no-password"], ["agent", "limit", name, "5", "-w"]] {
                let terminal = try PseudoTerminal(BuiltProduct.path("portal"), arguments,
                                                  environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
                try terminal.expect("the server wants a password for user \(name) and -w says not to ask: set PGPASSWORD")
                #expect(try terminal.wait() == 2, "\(arguments)")
                #expect(!terminal.transcript.contains("Password for user"), "\(arguments)")
            }
        }
    }

    @Test func pipedStandardInputNeverAsksAndSaysHow() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let none = try BuiltProduct.run("portal", ["status", "--json"], input: TLSSignIn.password + "\n",
                                            environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            #expect(none.status == 2)
            #expect(none.standardError.contains(
                "portal: could not connect (DATABASE_URL): the server wants a password for user \(name) and there is no terminal to ask on: set PGPASSWORD, or add the password to ~/.pgpass"),
                "\(none.standardError)")
            #expect(!none.standardError.contains("Password for user"))
            #expect(none.standardOutput.contains(#""ok":false"#), "\(none.standardOutput)")

            // The way it names works: PGPASSWORD (or a password file), asking nothing.
            let given = try BuiltProduct.run("portal", ["status"],
                                             environment: TLSSignIn.environment(home, cluster.conninfo(user: name), password: TLSSignIn.password))
            #expect(given.status == 0, "\(given.standardError)")
            #expect(given.standardOutput.contains("as \(name)"))
            let passfile = home + "/pgpass"
            try "*:*:*:\(name):\(TLSSignIn.password)\n".write(toFile: passfile, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passfile)
            var environment = TLSSignIn.environment(home, cluster.conninfo(user: name))
            environment["PGPASSFILE"] = passfile
            let fromFile = try BuiltProduct.run("portal", ["status"], environment: environment)
            #expect(fromFile.status == 0, "\(fromFile.standardError)")
        }
    }

    @Test func servicesNeverAskAndSayToUseAPasswordFile() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            var environment = TLSSignIn.environment(home, cluster.conninfo(user: name))
            environment["PORTAL_SECRET_KEY"] = String(repeating: "ab", count: 32)
            for service in ["chain", "notify", "serve"] {
                let terminal = try PseudoTerminal(BuiltProduct.path("portal"), [service], environment: environment)
                try terminal.expect("the server wants a password for user \(name) and portal \(service) never asks for one, as it reconnects unattended: set PGPASSWORD, or add the password to ~/.pgpass")
                #expect(try terminal.wait() == 2, "\(service)")
                #expect(!terminal.transcript.contains("Password for user"), "\(service)")
            }
        }
    }

    @Test func aNewPasswordSignsInAndTheOldOneNoLonger() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        let newPassword = "a-brand-new-password-2"
        try TLSSignIn.withHome { home in
            let environment = TLSSignIn.environment(home, cluster.adminURI())
            let changed = try BuiltProduct.run("portal", ["agent", "password", name], input: newPassword + "\n", environment: environment)
            #expect(changed.status == 0, "\(changed.standardError)")
            #expect(changed.standardOutput.contains("agent \(name) has a new password"))
        }
        #expect(throws: PGError.self, "the old password no longer signs in") {
            try PGConnection(cluster.conninfo(user: name), password: TLSSignIn.password).close()
        }
        let signedIn = try PGConnection(cluster.conninfo(user: name), password: newPassword)
        #expect(signedIn.user == name)
        signedIn.close()
    }
}
