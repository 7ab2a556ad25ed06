import PGClient

extension PortalAPI {
    /// Sets an existing agent's password (needs a connection with CREATEROLE), so the agent can
    /// sign in over TLS with `scram-sha-256` in pg_hba.conf. libpq makes the SCRAM-SHA-256
    /// verifier here, with a fresh salt; only the verifier goes to the server, as a parameter,
    /// so the password is never in a statement, a server log or `pg_stat_activity`.
    public func setAgentPassword(name: String, password: String) throws {
        let verifier = try connection.scramVerifier(password: password, role: name)
        try connection.query("SELECT portal_api.set_agent_password($1, $2)", [name, verifier])
    }
}

extension PortalAPI {
    /// Removes an existing agent's password (needs a connection with CREATEROLE), for an agent
    /// who moves to a client certificate or whose password may have leaked: the role then
    /// signs in only by certificate (`certificate_login`), never by a stale password.
    public func clearAgentPassword(name: String) throws {
        try connection.query("SELECT portal_api.clear_agent_password($1)", [name])
    }
}
