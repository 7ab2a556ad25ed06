import CLibPQ

/// What a failed connection attempt says about passwords, so that a program can ask its user
/// for one the way psql does, without knowing libpq.
///
/// libpq knows whether the server asked for a password and whether one was given (typed, from
/// `PGPASSWORD`, `~/.pgpass` or the connection string); the program alone knows whether it can
/// ask (a terminal) and whether the password came from its user, so the choice stays with it.
public struct PGPasswordRequest: Sendable, Equatable {
    /// The role the server wants a password for, as libpq resolved it (`PQuser`): the name a
    /// prompt shows, `Password for user NAME: `.
    public let user: String
    /// False when no password was given at all (`PQconnectionNeedsPassword`): ask for one.
    /// True when one was given and the attempt still failed after the server asked for it: most
    /// often a wrong password (libpq does not tell it apart from a failure after sign-in, such
    /// as a database that does not exist).
    public let passwordWasGiven: Bool

    /// Describes a request; programs get these from `PGError.passwordRequest`.
    public init(user: String, passwordWasGiven: Bool) {
        self.user = user
        self.passwordWasGiven = passwordWasGiven
    }

    /// Reads what libpq knows about passwords from a connection that failed to open.
    static func read(from connection: OpaquePointer) -> PGPasswordRequest? {
        let user = PQuser(connection).map { String(cString: $0) } ?? ""
        if PQconnectionNeedsPassword(connection) == 1 {
            return PGPasswordRequest(user: user, passwordWasGiven: false)
        }
        if PQconnectionUsedPassword(connection) == 1 {
            return PGPasswordRequest(user: user, passwordWasGiven: true)
        }
        return nil
    }
}
