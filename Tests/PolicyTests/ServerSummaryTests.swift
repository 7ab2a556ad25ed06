import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

@Suite struct ServerSummaryTests {
    @Test func reportsWhatTheServerSays() throws {
        try withTestDatabase { database in
            // Roles are cluster-wide: name it after the test's own database.
            let role = "kim_\(database.name)"
            try database.connect().query("CREATE ROLE \(role) LOGIN")
            let summary = try ServerSummary.read(from: database.connect(user: role))
            #expect(summary.database == database.name)
            #expect(summary.sessionUser == role)
            #expect(summary.serverVersion.first?.isNumber == true)
            #expect(summary.host.hasSuffix("/socket"))
            #expect(!summary.inRecovery)
        }
    }

    @Test func sessionUserIsTheLoginRoleEvenAfterSetRole() throws {
        try withTestDatabase { database in
            let admin = try database.connect()
            try admin.query("CREATE ROLE kim_\(database.name) LOGIN")
            try admin.query("CREATE ROLE other_\(database.name)")
            try admin.query("GRANT other_\(database.name) TO kim_\(database.name)")
            let kim = try database.connect(user: "kim_\(database.name)")
            try kim.query("SET ROLE other_\(database.name)")
            #expect(try ServerSummary.read(from: kim).sessionUser == "kim_\(database.name)")
        }
    }
}
