import CLibPQ

extension PGConnection {
    /// A SCRAM-SHA-256 verifier of `password` for `role`, made here by libpq
    /// (`PQencryptPasswordConn`, with a fresh random salt), as psql's `\password` does: the
    /// password itself never goes to the server, so it cannot show up in a statement, a log or
    /// `pg_stat_activity`; the server stores the verifier as given.
    public func scramVerifier(password: String, role: String) throws(PGError) -> String {
        let connection = try liveHandle()
        guard !password.utf8.contains(0), !role.utf8.contains(0) else {
            throw PGError(.invalidParameter, message: "a password or role name cannot contain a NUL character")
        }
        guard let verifier = PQencryptPasswordConn(connection, password, role, "scram-sha-256") else {
            throw PGError(.invalidParameter, message: String(cString: PQerrorMessage(connection)))
        }
        defer { PQfreemem(verifier) }
        return String(cString: verifier)
    }
}
