#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages for people on standard error, in order with what went to standard output.
public enum StandardError {
    /// Writes a line, unbuffered, after flushing standard output so the two stay in order.
    public static func write(_ line: String) {
        fflush(stdout)
        fputs(line + "\n", stderr)
    }
}
