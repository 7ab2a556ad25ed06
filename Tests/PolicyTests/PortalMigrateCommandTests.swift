import Foundation
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

@Suite("portal migrate and seed as people run them")
struct PortalMigrateCommandTests {
    @Test("migrate applies everything once, then reports the schema up to date")
    func migrateCommand() throws {
        try withTestDatabase { database in
            let first = try BuiltProduct.run("portal", ["migrate", "--db", database.uri(), "--json"])
            #expect(first.status == 0, "\(first.standardError)")
            let object = try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any]
            let applied = object?["applied"] as? [String] ?? []
            #expect(applied.first == "0001_roles_and_schemas.sql" && applied.count >= 8)
            let second = try BuiltProduct.run("portal", ["migrate", "--db", database.uri()])
            #expect(second.status == 0 && second.standardOutput.contains("schema up to date (\(applied.count) migrations applied earlier)"))
            let missing = try BuiltProduct.run("portal", ["migrate", "--db", database.uri(), "--migrations", "/nonexistent"])
            #expect(missing.status == 1 && missing.standardError.contains("cannot read the migrations folder /nonexistent"))
        }
    }

    @Test("the migrations folder is found from the environment, an install, or the source tree")
    func defaultFolder() throws {
        #expect(MigrationSource.defaultFolder(environment: ["SUPPORTDESK_MIGRATIONS": "/srv/m"], executable: "/x/portal") == "/srv/m")
        let built = BuiltProduct.path("portal")
        #expect(MigrationSource.defaultFolder(environment: [:], executable: built) == ClusterScript.repositoryRoot + "/sql/migrations")
        let install = FileManager.default.temporaryDirectory.appendingPathComponent("sd-install-\(UUID())")
        defer { try? FileManager.default.removeItem(at: install) }
        try FileManager.default.createDirectory(at: install.appendingPathComponent("share/supportdesk/migrations"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: install.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let found = MigrationSource.defaultFolder(environment: [:], executable: install.path + "/bin/portal")
        #expect(found == install.appendingPathComponent("share/supportdesk/migrations").standardizedFileURL.path)
    }

    @Test("seed needs one kind of data, and says how it went")
    func seedCommand() throws {
        try withTestDatabase(.migrated) { database in
            let key = SecretBox.generateKeyText()
            for arguments in [["seed"], ["seed", "--demo", "--customers", "2", "--users-per-customer", "2"], ["seed", "--customers", "2"],
                              ["seed", "--customers", "0", "--users-per-customer", "2"]] {
                let output = try BuiltProduct.run("portal", arguments + ["--db", database.uri()], environment: ["PORTAL_SECRET_KEY": key])
                #expect(output.status == 1, "\(arguments)")
            }
            let scale = try BuiltProduct.run("portal", ["seed", "--customers", "3", "--users-per-customer", "4", "--db", database.uri(), "--json"],
                                             environment: ["PORTAL_SECRET_KEY": key])
            #expect(scale.status == 0, "\(scale.standardError)")
            #expect(scale.standardError.isEmpty, "no progress bar when stderr is not a terminal")
            let object = try JSONSerialization.jsonObject(with: Data(scale.standardOutput.utf8)) as? [String: Any]
            #expect(object?["members"] as? Int == 12 && object?["customers"] as? Int == 3)
            let demo = try BuiltProduct.run("portal", ["seed", "--demo", "--db", database.uri()], environment: ["PORTAL_SECRET_KEY": key])
            #expect(demo.status == 0 && demo.standardOutput.contains("Calls to rehearse:") && demo.standardOutput.contains("reads out: "))
        }
    }
}
