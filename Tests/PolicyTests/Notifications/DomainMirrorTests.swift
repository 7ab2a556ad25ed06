import DeskDatabase
import PGClient
import Testing
import TestSupport

/// The Swift enums that mirror SQL domains hold exactly the domain's values: a value added on one
/// side fails here until the other follows.
@Suite("Swift mirrors of the SQL domains")
struct DomainMirrorTests {
    /// The values a domain's CHECK (VALUE IN (...)) allows.
    func values(of domain: String, _ fixture: PortalFixture) throws -> Set<String> {
        let definition = try fixture.connection.query(
            "SELECT string_agg(pg_get_constraintdef(c.oid), ' ') FROM pg_constraint c WHERE c.contypid = $1::regtype",
            [domain]).single().decode(String.self, at: 0)
        let pattern = #/'([a-z_]+)'::text/#
        return Set(definition.matches(of: pattern).map { String($0.output.1) })
    }

    @Test func mirrorsMatch() throws {
        try withPortalFixture { fixture in
            let policy = try values(of: "portal.second_channel_policy", fixture)
            let audience = try values(of: "portal.notification_audience", fixture)
            let delivery = try values(of: "portal.notification_state", fixture)
            let suspension = try values(of: "portal.suspension_state", fixture)
            #expect(policy == Set(SecondChannelPolicy.allCases.map(\.rawValue)) && policy.count == 3)
            #expect(audience == Set(NotificationAudience.allCases.map(\.rawValue)))
            #expect(delivery == Set(NotificationState.allCases.map(\.rawValue)))
            #expect(suspension == Set(SuspensionState.allCases.map(\.rawValue)))
        }
    }
}
