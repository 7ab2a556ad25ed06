import PGClient

/// Web sessions through `portal_api`: the database keeps them (token hashes only), expires
/// them, and ends them when the member's 2FA is disabled by anyone.
extension PortalAPI {
    /// Starts a session for a member whose password was right. `method` is given only for a
    /// session that is signed in at once (the password alone), which records the sign-in.
    public func startSession(memberID: Int64, token: SessionToken, stage: SessionStage, method: LoginMethod?,
                             clientAddress: String?, userAgent: String?) throws {
        try connection.query(
            "SELECT portal_api.start_session($1::bigint, $2, $3, $4, $5::inet, $6)",
            [memberID, token.hash, stage.rawValue, method?.rawValue, clientAddress, userAgent])
    }

    /// The valid session a cookie's token names, or nil (unknown, ended or expired).
    public func session(_ token: SessionToken) throws -> WebSession? {
        try connection.query("SELECT * FROM portal_api.session($1)", [token.hash]).rows.first.map(WebSession.init(row:))
    }

    /// Moves a session on to `stage` under `newToken`; false when the old one is no longer valid.
    public func advanceSession(_ token: SessionToken, to newToken: SessionToken, stage: SessionStage,
                               method: LoginMethod?) throws -> Bool {
        try connection.query(
            "SELECT portal_api.advance_session($1, $2, $3, $4)",
            [token.hash, newToken.hash, stage.rawValue, method?.rawValue]).single().decode(Bool.self, at: 0)
    }

    /// Sign out.
    public func endSession(_ token: SessionToken) throws {
        try connection.query("SELECT portal_api.end_session($1)", [token.hash])
    }

    /// Sign out everywhere: every session of this session's member; returns how many ended.
    @discardableResult
    public func endAllSessions(_ token: SessionToken) throws -> Int {
        try connection.query("SELECT portal_api.end_all_sessions($1)", [token.hash]).single().decode(Int.self, at: 0)
    }
}
