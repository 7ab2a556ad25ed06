/// How SupportDesk's programs sign in when the server wants a password, as psql does: first
/// without one (a password in the connection string, `PGPASSWORD` or `~/.pgpass` is libpq's
/// business); if the server asks and none was given, ask the person at the terminal (`Password
/// for user NAME: `, hidden, never in the history); after a wrong typed password, ask once more;
/// then give up with libpq's reason. Without a terminal to ask on, nothing is asked: the failure
/// says how to give one.
///
/// One rule for both executables (the console and `portal`), so they cannot drift apart; it
/// lives here, beside the connection, because it needs nothing of a terminal: asking is the
/// caller's closure (`PasswordSignIn.onTerminal` in CommandLineSupport).
///
/// The typed password is returned with the connection so the executable can open `--jobs`
/// connections with it; reconnects reuse it through libpq (`PQreset`). It lives in memory only.
public struct PasswordSignIn {
    /// Opens a connection with a password, or nil for none (`PGConnection.init` in real use).
    public typealias Connect = (_ password: String?) throws(PGError) -> PGConnection

    /// Why no connection was opened, as one sentence for `could not connect (…): SENTENCE`.
    public struct Failure: Error, Equatable {
        /// libpq's reason, or the program's when it could not ask.
        public let message: String
        /// True when the server wants a password and none could be had (not given, not asked,
        /// or nothing typed): trying again unchanged cannot help, so a service stops on it.
        public let passwordMissing: Bool

        init(message: String, passwordMissing: Bool = false) {
            self.message = message
            self.passwordMissing = passwordMissing
        }
    }

    /// A connection and the password typed for it (nil when none was typed).
    public struct SignedIn {
        /// The open connection.
        public let connection: PGConnection
        /// What the agent typed, for more connections of this run; nil when nothing was asked.
        public let typedPassword: String?
    }

    private let connect: Connect
    private let ask: ((String) -> String?)?
    private let tell: (String) -> Void
    private let whyNotAsked: String

    /// - Parameters:
    ///   - connect: opens one connection (with the typed password, or without).
    ///   - ask: shows the prompt and reads a hidden line, nil at end of input or Ctrl-C; nil
    ///     when there is no terminal to ask on (batch input from a pipe, `--no-password`).
    ///   - tell: says why a typed password failed, before asking again.
    ///   - whyNotAsked: when `ask` is nil, why, in the failure's words.
    public init(connect: @escaping Connect, ask: ((String) -> String?)?, tell: @escaping (String) -> Void,
                whyNotAsked: String = "there is no terminal to ask on") {
        self.connect = connect
        self.ask = ask
        self.tell = tell
        self.whyNotAsked = whyNotAsked
    }

    /// How many passwords are asked for at most: the first, and one retry after a wrong one.
    static let attempts = 2

    /// Connects, asking for a password when the server wants one and none was given.
    public func open() throws(Failure) -> SignedIn {
        var failure: PGError
        do {
            return SignedIn(connection: try connect(nil), typedPassword: nil)
        } catch {
            failure = error
        }
        // Only a server that asked, with no password given at all, gets a prompt: a wrong one
        // from PGPASSWORD or ~/.pgpass is not the agent's to fix by typing (psql's rule).
        guard let request = failure.passwordRequest, !request.passwordWasGiven else {
            throw Failure(message: failure.message)
        }
        guard let ask else {
            throw Failure(message: "the server wants a password for user \(request.user) and \(whyNotAsked): "
                          + "set PGPASSWORD, or add the password to ~/.pgpass (or the file PGPASSFILE names)",
                          passwordMissing: true)
        }
        for attempt in 1...Self.attempts {
            guard let password = ask("Password for user \(request.user): ") else {
                throw Failure(message: "no password was typed", passwordMissing: true)
            }
            do {
                return SignedIn(connection: try connect(password), typedPassword: password)
            } catch {
                failure = error
            }
            guard failure.passwordRequest != nil, attempt < Self.attempts else { break }
            tell(failure.message)
        }
        throw Failure(message: failure.message)
    }
}
