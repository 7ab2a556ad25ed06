import Foundation
import Testing
import ProcessTesting
import TestSupport

/// The `portal` executable as people run it: flags, environment, output and exit statuses.
@Suite struct PortalCommandTests {
    @Test func statusReportsTheDatabaseInTextAndJSON() throws {
        try withTestDatabase { database in
            let text = try BuiltProduct.run("portal", ["status", "--db", database.uri()])
            #expect(text.status == 0)
            #expect(text.standardOutput.contains("database \(database.name) as postgres"))

            let json = try BuiltProduct.run("portal", ["status", "--json"], environment: ["DATABASE_URL": database.uri()])
            #expect(json.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
            #expect(object?["database"] as? String == database.name)
            #expect(object?["user"] as? String == "postgres")
        }
    }

    @Test func libpqEnvironmentIsUsedWhenNothingElseIsGiven() throws {
        try withTestDatabase { database in
            let cluster = try PostgresCluster.shared()
            let output = try BuiltProduct.run("portal", ["status"], environment: [
                "PGHOST": cluster.directory + "/socket", "PGDATABASE": database.name, "PGUSER": "postgres",
            ])
            #expect(output.status == 0)
            #expect(output.standardOutput.contains(database.name))
        }
    }

    @Test func unreachableDatabaseExitsTwo() throws {
        let output = try BuiltProduct.run("portal", ["status", "--db", "postgresql:///x?host=/nonexistent"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("could not connect (--db)"))
        #expect(output.standardOutput.isEmpty)
    }

    @Test func badUsageExitsOne() throws {
        let output = try BuiltProduct.run("portal", ["no-such-subcommand"])
        #expect(output.status == 1)
        #expect(output.standardError.contains("Usage"))
    }
}
