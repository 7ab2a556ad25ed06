import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing

@Suite struct DatabaseAddressTests {
    @Test func flagWinsOverEnvironment() {
        let environment = ["DATABASE_URL": "postgresql:///from-env"]
        #expect(DatabaseAddress.resolve(flag: "postgresql:///from-flag", environment: environment) == "postgresql:///from-flag")
        #expect(DatabaseAddress.source(flag: "x", environment: environment) == "--db")
    }

    @Test func environmentWinsOverLibpqDefaults() {
        #expect(DatabaseAddress.resolve(flag: nil, environment: ["DATABASE_URL": "service=desk"]) == "service=desk")
        #expect(DatabaseAddress.source(flag: nil, environment: ["DATABASE_URL": "service=desk"]) == "DATABASE_URL")
    }

    @Test func emptyMeansLibpqDefaults() {
        #expect(DatabaseAddress.resolve(flag: nil, environment: [:]) == "")
        #expect(DatabaseAddress.resolve(flag: "", environment: ["DATABASE_URL": ""]) == "")
        #expect(DatabaseAddress.source(flag: nil, environment: [:]).hasPrefix("libpq defaults"))
    }
}
