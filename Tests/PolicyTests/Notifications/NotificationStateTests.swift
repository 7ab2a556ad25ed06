import PGClient
import PortalCore
import Testing
import TestSupport

/// The Swift type and the database's domain name the same delivery states.
@Suite struct NotificationStateTests {
    @Test func theEnumMirrorsTheDomain() throws {
        try withPortalFixture { fixture in
            let definition = try fixture.connection.query("""
                SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                  JOIN pg_type t ON t.oid = c.contypid
                 WHERE t.typname = 'notification_state' AND t.typnamespace = 'portal'::regnamespace
                """).single().decode(String.self, at: 0)
            let values = try fixture.connection.query(
                "SELECT (regexp_matches($1, '''([a-z_]+)''', 'g'))[1]", [definition]).rows.map { try $0.decode(String.self, at: 0) }
            #expect(Set(values) == Set(NotificationState.allCases.map(\.rawValue)), "\(definition)")
            #expect(values.count == NotificationState.allCases.count)
        }
    }
}
