public import PGClient
import DeskDatabase
public import SupportClient

/// The console's one connection, and what it takes to get it back: libpq's reset with the same
/// parameters, a fresh cancel key for Ctrl-C, and the policy numbers read again.
public final class DatabaseLink {
    /// The agent's connection.
    public let connection: PGConnection
    /// Typed support calls on it.
    public let api: SupportAPI
    /// Ctrl-C's way to the running query.
    public let cancelSwitch = CancelSwitch()

    /// Wraps an open connection.
    public init(connection: PGConnection) {
        self.connection = connection
        self.api = SupportAPI(connection: connection)
        cancelSwitch.install(try? connection.makeCancelToken())
    }

    /// Whether the last thing libpq knows is a healthy connection.
    var isConnected: Bool { connection.isConnected }

    /// Connects again with the same parameters.
    func reconnect() throws(ConsoleFailure) {
        do {
            try connection.reset()
        } catch {
            throw ConsoleFailure(.connectionLost, message: "could not reconnect: \(TerminalSafeText.escape(error.message, keepingLineBreaks: true).trimmingTrailingNewlines)")
        }
        cancelSwitch.install(try? connection.makeCancelToken())
    }
}

extension String {
    /// libpq's messages end with a newline; a sentence should not.
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
