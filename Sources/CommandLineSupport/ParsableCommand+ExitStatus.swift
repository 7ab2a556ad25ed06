public import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ParsableCommand {
    /// Parses the arguments and runs the command with SupportDesk's exit statuses (README):
    /// a thrown `ExitCode` is the status; help and version exit 0; any other failure, bad usage
    /// included (which ArgumentParser would end with 64), prints its message on stderr and exits
    /// 1. `json` may give a line for stdout too, so a script asking for JSON always gets one.
    public static func mainWithDocumentedStatus(json: (String) -> String? = { _ in nil }) -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            terminate(0)
        } catch let status as ExitCode {
            terminate(status.rawValue)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }    // --help, --version
            let usage = exitCode(for: error) == .validationFailure
            let message = message(for: error)
            StandardError.write(usage ? fullMessage(for: error) : "\(configuration.commandName ?? "error"): \(message)")
            if let line = json(message) { print(line) }
            terminate(1)
        }
    }
}

/// Ends the process with `status` once what was printed has been written.
private func terminate(_ status: Int32) -> Never {
    fflush(stdout)
    #if canImport(Glibc)
    Glibc.exit(status)
    #else
    Darwin.exit(status)
    #endif
}
