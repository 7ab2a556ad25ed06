import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import SupportClient
import Testing
import ProcessTesting
import TestSupport

@Suite("What an agent's credentials can and cannot do")
struct PrivilegeTests {
    @Test("an agent can neither read nor change any table, sequence or internal function")
    func noTableAccess() throws {
        try withPortalFixture { fixture in
            _ = try fixture.customer()
            _ = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent()
            defer { agent.connection.close() }
            let tables = try fixture.connection.query("""
                SELECT format('%I.%I', c.relnamespace::regnamespace, c.relname), quote_ident(a.attname)
                  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
                 WHERE c.relnamespace IN ('portal'::regnamespace, 'public'::regnamespace) AND c.relkind = 'r'
                """).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
            #expect(tables.count >= 12)
            for (table, column) in tables {
                for statement in ["SELECT * FROM \(table)", "DELETE FROM \(table)", "UPDATE \(table) SET \(column) = \(column)",
                                  "INSERT INTO \(table) DEFAULT VALUES", "TRUNCATE \(table)"] {
                    #expect(sqlState(agent.connection, statement) == "42501", "\(statement)")
                }
            }
            for statement in [
                "SELECT portal.append_event('lock_cleared', 'x', NULL, NULL, NULL, NULL)",
                "SELECT portal.normalise_recovery_code('x')",
                "SELECT * FROM portal_api.login_state('jane@acme.example')",
                "SELECT portal_api.accept_step(1, 99999999999)",
                "SELECT portal_api.create_agent('mallory', true)",
                "SET ROLE supportdesk_owner",
            ] {
                #expect(sqlState(agent.connection, statement) == "42501", "\(statement)")
            }
        }
    }

    @Test("the owner role owns every object of the schema, whichever login migrated it")
    func everythingIsOwnedByTheOwnerRole() throws {
        try withPortalFixture { fixture in
            let strays = try fixture.connection.query("""
                SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace IN ('portal'::regnamespace, 'support'::regnamespace, 'portal_api'::regnamespace)
                   AND p.proowner <> 'supportdesk_owner'::regrole
                UNION ALL
                SELECT c.oid::regclass::text FROM pg_class c
                 WHERE c.relnamespace IN ('portal'::regnamespace, 'support'::regnamespace, 'portal_api'::regnamespace)
                   AND c.relowner <> 'supportdesk_owner'::regrole
                """).rows.map { try $0.decode(String.self, at: 0) }
            #expect(strays.isEmpty, "a migration forgot SET LOCAL ROLE supportdesk_owner: \(strays)")
        }
    }

    @Test("every function a role may call is documented, so \\df+ describes the API")
    func everyCallableFunctionHasAComment() throws {
        try withPortalFixture { fixture in
            let undocumented = try fixture.connection.query("""
                SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace IN ('support'::regnamespace, 'portal_api'::regnamespace)
                   AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
                """).rows.map { try $0.decode(String.self, at: 0) }
            #expect(undocumented.isEmpty, "COMMENT ON FUNCTION is missing for \(undocumented)")
        }
    }

    @Test("no support function returns a secret, a code hash or a password hash")
    func noSecretsThroughFunctions() throws {
        try withPortalFixture { fixture in
            let outputs = try fixture.connection.query("""
                SELECT p.proname, coalesce(array_to_string(p.proargnames, ','), ''), pg_get_function_result(p.oid)
                  FROM pg_proc p WHERE p.pronamespace = 'support'::regnamespace
                """).rows
            #expect(outputs.count >= 14)
            for row in outputs {
                let text = (try row.decode(String.self, at: 1) + " " + (try row.decode(String.self, at: 2))).lowercased()
                let name = try row.decode(String.self, at: 0)
                for forbidden in ["secret", "code_hash", "password", "salt", "ciphertext"] {
                    #expect(!text.contains(forbidden), "\(name) exposes \(forbidden)")
                }
            }
            let definers = try fixture.connection.query("""
                SELECT count(*) FILTER (WHERE NOT p.prosecdef
                    OR NOT ('search_path=pg_catalog, pg_temp' = ANY (p.proconfig))
                    OR pg_get_userbyid(p.proowner) <> 'supportdesk_owner'
                    OR has_function_privilege('public', p.oid, 'EXECUTE'))
                  FROM pg_proc p WHERE p.pronamespace IN ('support'::regnamespace, 'portal_api'::regnamespace)
                   AND p.proname NOT IN ('create_agent', 'set_agent_connection_limit', 'set_agent_password', 'clear_agent_password')
                """).single().decode(Int.self, at: 0)
            #expect(definers == 0, "every API function is a definer with a safe search_path, owned by the owner, not PUBLIC's")
        }
    }

    @Test("an agent cannot reach a supervisor function; a supervisor can")
    func supervisorFunctions() throws {
        try withPortalFixture { fixture in
            _ = try fixture.customer()
            let jane = try fixture.enrolledMember("jane@acme.example")
            let agent = try fixture.agent()
            let supervisor = try fixture.agent("boss", supervisor: true)
            defer { agent.connection.close(); supervisor.connection.close() }
            #expect(try agent.whoami().isSupervisor == false)
            #expect(try supervisor.whoami().isSupervisor == true)
            let refusals: [() throws -> Void] = [
                { _ = try agent.overrideDisable(memberID: jane.memberID, reason: "caller has no codes left", ticket: "SUP-1", requestID: UUID()) },
                { _ = try agent.clearLockout(memberID: jane.memberID, reason: "caller verified by video") },
                { _ = try agent.auditLog(AuditLogFilter()) },
                { try agent.forEachChainLink { _ in } },
                { _ = try agent.chainHead() },
                { _ = try agent.deskReport(ReportPeriod(since: PGTimestamp(Date(timeIntervalSinceNow: -86_400)), until: PGTimestamp(Date()), timeZone: "UTC"),
                                           by: .agent, charts: true) },
            ]
            for call in refusals {
                #expect(refusal(call) == .notASupervisor)
            }
            #expect(try supervisor.auditLog(AuditLogFilter()).count == 1)
            try fixture.chainAuditEvents()
            #expect(try supervisor.chainHead().seq == 1)
            let report = try supervisor.deskReport(
                ReportPeriod(since: PGTimestamp(Date(timeIntervalSinceNow: -86_400)), until: PGTimestamp(Date(timeIntervalSinceNow: 60)), timeZone: "UTC"),
                by: nil, charts: true)
            #expect(report.rows.count == 1 && report.total?.isTotal == true)
            #expect(report.backlogDays.count >= 2)
        }
    }

    @Test("the portal's role and a stranger are not agents")
    func nonAgentsRefused() throws {
        try withPortalFixture { fixture in
            let stranger = "stranger_\(UUID().uuidString.prefix(8).lowercased())"
            let portal = "portal_\(UUID().uuidString.prefix(8).lowercased())"
            try fixture.connection.executeScript("CREATE ROLE \(stranger) LOGIN; CREATE ROLE \(portal) LOGIN IN ROLE portal_app;")
            for role in [stranger, portal] {
                let api = try fixture.connect(as: role)
                defer { api.connection.close() }
                #expect(sqlState(api.connection, "SELECT * FROM support.whoami()") == "42501")
            }
            let portalConnection = try fixture.database.connect(user: portal)
            defer { portalConnection.close() }
            #expect(try portalConnection.query("SELECT count(*) FROM portal_api.login_state('nobody@example.com')").single().decode(Int.self, at: 0) == 0)
        }
    }
}

/// The SQLSTATE a statement fails with, or "ok".
func sqlState(_ connection: PGConnection, _ sql: String) -> String {
    do {
        try connection.query(sql)
        return "ok"
    } catch {
        return error.sqlState?.rawValue ?? "no sqlstate: \(error.message)"
    }
}

/// The policy refusal a call fails with, if any.
func refusal(_ call: () throws -> Void) -> PortalRefusal.Code? {
    do {
        try call()
        return nil
    } catch let error as PGError {
        return PortalRefusal(error)?.code
    } catch let error as PortalRefusal {
        return error.code
    } catch {
        return nil
    }
}
