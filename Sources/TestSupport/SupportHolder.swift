public import PGClient

extension PGConnection {
    /// Opens a transaction (as a superuser) that holds a member's support guard row, so that an
    /// agent's disable of that member waits inside its own transaction: long enough for a test
    /// to cut its connection or stop the server. The disable's own lock_timeout (3 s) is raised
    /// to a minute in this test database, since such a test needs the wait, not the refusal.
    public func holdSupportGuard(memberID: Int64) throws {
        _ = try query("ALTER FUNCTION support.disable_2fa(bigint, text, text, uuid) SET lock_timeout = '60s'")
        _ = try query("BEGIN")
        _ = try query("INSERT INTO portal.member_guards (member_id) VALUES ($1::bigint) ON CONFLICT DO NOTHING", [memberID])
        _ = try query("SELECT FROM portal.member_guards WHERE member_id = $1::bigint FOR UPDATE", [memberID])
    }
}
