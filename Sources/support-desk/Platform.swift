#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few libc calls the executable needs, kept in one place.
enum Platform {
    /// psql's rule: interactive only when both stdin and stdout are terminals.
    static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

    /// Writes a line to standard error, unbuffered.
    static func printError(_ line: String) {
        fputs(line + "\n", stderr)
    }
}
