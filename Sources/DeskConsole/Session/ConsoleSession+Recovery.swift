import DeskDatabase
import SupportClient
import Foundation
import PGClient

/// What the console does after a lost connection: reconnect with the same parameters (trying
/// for `reconnectWait`, since a failover takes seconds), then settle a disable whose answer
/// never came by its request id, on whichever server answers now, never by sending it again.
extension ConsoleSession {
    /// After a lost connection: reconnect, then settle a disable whose answer never came.
    func recover<Source, Output>(io: ConsoleIO<Source, Output>) {
        let seconds = settings.reconnectWait.components.seconds
        let before = link.serverName
        do throws(ReconnectFailure) {
            try link.reconnect(within: settings.reconnectWait) { _ in
                io.notice("reconnecting (trying for up to \(seconds) s\(settings.interactive ? "; Ctrl-C stops waiting" : ""))…", tone: .warning)
            }
        } catch {
            switch error {
            case .gaveUp(let why):
                io.notice(why + (settings.interactive ? "; will try again before the next command" : ""), tone: .danger)
            case .stopped:
                io.notice("stopped waiting for the server; will try again before the next command", tone: .warning)
            }
            if let request = state.requestInFlight {
                io.notice("whether \(request.description) went through is unknown: once the server is back, `show \(request.member)` tells (request \(request.id.uuidString.lowercased()))", tone: .warning)
            }
            return
        }
        let after = link.serverName
        io.notice("reconnected to \(link.connection.database)"
                  + (after == before ? "" : " on \(after), another server than before (a failover)"), tone: .warning)
        guard let request = state.requestInFlight else { return }
        do {
            // The old session may still be running the request if only the client lost it;
            // end it first, so the look-up below is the final word. After a failover it is on
            // the old server, and nothing here matches it.
            if let session = request.session { try link.api.endEarlierSession(session) }
            if let event = try link.api.lookupRequest(request.id), event.action == .disableRequested {
                io.notice("the earlier \(request.description) was recorded before the connection dropped, as request #\(event.seq) waiting for a second approver (`requests` shows it)", tone: .warning)
            } else if let event = try link.api.lookupRequest(request.id) {
                io.notice("the earlier \(request.description) did go through before the connection dropped: audit event #\(event.seq)", tone: .success)
            } else {
                io.notice("the earlier \(request.description) did not go through: nothing changed; run it again if it is still wanted", tone: .warning)
            }
            state.requestInFlight = nil
        } catch {
            io.notice("could not look up the earlier \(request.description) (request \(request.id.uuidString.lowercased())): \(ConsoleFailure(error as? PGError ?? PGError(.connectionLost, message: "")).message)", tone: .danger)
        }
    }
}
