import Foundation
import Testing
import ProcessTesting
import TestSupport

/// What the sign-in tests of both programs (the console's and `portal`'s) share on the TLS
/// cluster: an agent with a known password, and an environment that gives no password at all,
/// so whatever signs in does so by the typed password or the one the test hands over.
enum TLSSignIn {
    static let password = "tls-desk-password-1"

    /// A new agent on the TLS cluster whose password was set by `portal agent add --password`
    /// (piped, one line); returns its name.
    static func agentWithPassword(_ cluster: TLSCluster, password: String = TLSSignIn.password) throws -> String {
        let name = "tls_\(UUID().uuidString.prefix(8).lowercased())"
        let added = try BuiltProduct.run("portal", ["agent", "add", name, "--password", "--db", cluster.adminURI()],
                                         input: password + "\n")
        #expect(added.status == 0, "portal agent add: \(added.standardError)")
        return name
    }

    /// What a program runs with: no password from the environment or a ~/.pgpass, no colour.
    static func environment(_ home: String, _ conninfo: String, password: String = "") -> [String: String] {
        ["HOME": home, "TERM": "xterm", "NO_COLOR": "1", "PAGER": "", "DATABASE_URL": conninfo,
         "PGPASSWORD": password, "PGPASSFILE": home + "/no-pgpass", "SUPPORT_DESK_HISTORY": home + "/history"]
    }

    /// Runs `body` with a fresh, empty home folder, removed afterwards.
    static func withHome<T>(_ body: (String) throws -> T) throws -> T {
        let home = NSTemporaryDirectory() + "sd-home-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        return try body(home)
    }
}
