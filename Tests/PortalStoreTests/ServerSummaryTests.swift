import PGClient
import PortalStore
import Testing
import TestSupport

@Suite struct ServerSummaryTests {
    @Test func reportsWhatTheServerSays() throws {
        try withTestDatabase { database in
            try database.connect().query("CREATE ROLE kim LOGIN")
            let summary = try ServerSummary.read(from: database.connect(user: "kim"))
            #expect(summary.database == database.name)
            #expect(summary.sessionUser == "kim")
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
