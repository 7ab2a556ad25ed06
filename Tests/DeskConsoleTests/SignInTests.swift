import Foundation
import PGClient
import Testing
import ProcessTesting
import TestSupport

/// Signing in as a real desk does: over TCP with TLS (`sslmode=verify-full` against the
/// throwaway CA of `scripts/pg-cluster --tls`), by a password the console asks for on the
/// terminal as psql does, from `PGPASSWORD`, or by a client certificate with no password.
@Suite(.serialized) struct SignInTests {
    /// Whether `role` has a session over TLS right now, as the server sees it.
    func sessionUsesTLS(_ cluster: TLSCluster, role: String) throws -> Bool {
        let admin = try PGConnection(cluster.adminURI())
        defer { admin.close() }
        let rows = try admin.query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = $1", [role]).rows
        return try !rows.isEmpty && rows.allSatisfy { try $0.decode(Bool.self, at: 0) }
    }

    @Test func thePasswordIsAskedHiddenOverVerifyFullAndReusedOnReconnect() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), [],
                                              environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try terminal.expect("Password for user \(name): ")
            terminal.type(TLSSignIn.password + "\r", atPrompt: false)
            let banner = try terminal.expect("support-desk> ")
            #expect(banner.contains("connected to portal as \(name)"))
            #expect(try sessionUsesTLS(cluster, role: name), "the console's session is over TLS")

            // A lost connection: the reconnect signs in with the typed password, asking nothing.
            let admin = try PGConnection(cluster.adminURI())
            defer { admin.close() }
            try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [name])
            terminal.type("whoami\r")
            try terminal.expect("Reconnected to portal")
            try terminal.expect("support-desk> ")
            terminal.type("quit\r")
            #expect(try terminal.wait() == 0)
            #expect(terminal.transcript.components(separatedBy: "Password for user").count == 2, "asked once: \(terminal.transcript)")
            #expect(!terminal.transcript.contains(TLSSignIn.password), "the typing is hidden")
            let history = (try? String(contentsOfFile: home + "/history", encoding: .utf8)) ?? ""
            #expect(history.contains("whoami"))
            #expect(!history.contains(TLSSignIn.password), "the password never reaches the history")
        }
    }

    @Test func aWrongPasswordIsAskedOnceMore() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), [],
                                              environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try terminal.expect("Password for user \(name): ")
            terminal.type("not-the-password\r", atPrompt: false)
            try terminal.expect("password authentication failed for user \"\(name)\"")
            try terminal.expect("Password for user \(name): ")
            terminal.type(TLSSignIn.password + "\r", atPrompt: false)
            try terminal.expect("support-desk> ")
            terminal.type("quit\r")
            #expect(try terminal.wait() == 0)
        }
    }

    @Test func aWrongPasswordTwiceExitsWithTheConnectionStatus() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), [],
                                              environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try terminal.expect("Password for user \(name): ")
            terminal.type("wrong-once\r", atPrompt: false)
            try terminal.expect("Password for user \(name): ")
            terminal.type("wrong-twice\r", atPrompt: false)
            try terminal.expect("support-desk: could not connect (DATABASE_URL): ")
            try terminal.expect("password authentication failed")
            #expect(try terminal.wait() == 2)
            #expect(terminal.transcript.components(separatedBy: "Password for user").count == 3, "two prompts, no third")
        }
    }

    @Test func aScriptTakesThePasswordFromPGPASSWORDAndNeverAsks() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let signedIn = try BuiltProduct.run("support-desk", ["-c", "whoami", "--format", "csv"],
                                                environment: TLSSignIn.environment(home, cluster.conninfo(user: name), password: TLSSignIn.password))
            #expect(signedIn.status == 0, "\(signedIn.standardError)")
            #expect(signedIn.standardOutput.contains(name))

            let none = try BuiltProduct.run("support-desk", ["-c", "whoami"], environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            #expect(none.status == 2)
            #expect(none.standardError.contains("the server wants a password for user \(name) and there is no terminal to ask on: set PGPASSWORD, or add the password to ~/.pgpass"),
                    "\(none.standardError)")
            #expect(!none.standardError.contains("Password for user"))
        }
    }

    @Test func noPasswordFlagNeverAsksEvenOnATerminal() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let terminal = try PseudoTerminal(BuiltProduct.path("support-desk"), ["-w"],
                                              environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            try terminal.expect("the server wants a password for user \(name) and -w says not to ask: set PGPASSWORD")
            #expect(try terminal.wait() == 2)
            #expect(!terminal.transcript.contains("Password for user"))
        }
    }

    @Test func verifyFullRefusesAServerTheGivenCADidNotSign() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let other = home + "/other-ca.crt"
            let made = try ProcessRunner.run("openssl", [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=Some other CA", "-keyout", home + "/other-ca.key", "-out", other])
            try #require(made.status == 0, "\(made.standardError)")
            let refused = try BuiltProduct.run("support-desk", ["-c", "whoami"], environment: TLSSignIn.environment(
                home, cluster.conninfo(user: name, rootCertificate: other), password: TLSSignIn.password))
            #expect(refused.status == 2)
            #expect(refused.standardError.contains("certificate verify failed"), "\(refused.standardError)")

            // The right CA but a name the certificate does not hold: verify-full checks it too.
            let wrongName = try BuiltProduct.run("support-desk", ["-c", "whoami"], environment: TLSSignIn.environment(
                home, cluster.conninfo(user: name, host: "desk.invalid", extra: "hostaddr=127.0.0.1"), password: TLSSignIn.password))
            #expect(wrongName.status == 2)
            #expect(wrongName.standardError.contains("does not match host name"), "\(wrongName.standardError)")
        }
    }

    @Test func aClientCertificateSignsInWithoutAPassword() throws {
        let cluster = try TLSCluster.shared()
        let name = "cert_\(UUID().uuidString.prefix(8).lowercased())"
        let added = try BuiltProduct.run("portal", ["agent", "add", name, "--db", cluster.adminURI()])
        try #require(added.status == 0, "\(added.standardError)")
        let admin = try PGConnection(cluster.adminURI())
        try admin.query("GRANT certificate_login TO \(try admin.quoteIdentifier(name))")
        admin.close()
        let certificate = try cluster.clientCertificate(for: name)
        #expect(certificate.hasPrefix("sslcert=") && certificate.contains(" sslkey="))
        try TLSSignIn.withHome { home in
            let signedIn = try BuiltProduct.run("support-desk", ["-c", "whoami", "--format", "csv"],
                                                environment: TLSSignIn.environment(home, cluster.conninfo(user: name, extra: certificate)))
            #expect(signedIn.status == 0, "\(signedIn.standardError)")
            #expect(signedIn.standardOutput.contains(name))

            // Without the certificate the same agent cannot get in: it is the certificate that counts.
            let without = try BuiltProduct.run("support-desk", ["-c", "whoami"], environment: TLSSignIn.environment(home, cluster.conninfo(user: name)))
            #expect(without.status == 2)
            #expect(without.standardError.contains("certificate"), "\(without.standardError)")
        }
    }

    @Test func plainTCPIsRefused() throws {
        let cluster = try TLSCluster.shared()
        let name = try TLSSignIn.agentWithPassword(cluster)
        try TLSSignIn.withHome { home in
            let plain = try BuiltProduct.run("support-desk", ["-c", "whoami"], environment: TLSSignIn.environment(
                home, "host=127.0.0.1 port=\(cluster.port) dbname=portal user=\(name) sslmode=disable", password: TLSSignIn.password))
            #expect(plain.status == 2)
            #expect(plain.standardError.contains("no encryption"), "\(plain.standardError)")
        }
    }
}
