import Foundation

/// The executables `swift build` made next to the test bundle, so tests can run
/// `support-desk` and `portal` exactly as people do and check their exit statuses.
public enum BuiltProduct {
    /// The path of a built executable such as `portal`.
    public static func path(_ name: String) -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Runs a built executable with arguments, standard input and extra environment.
    public static func run(
        _ name: String, _ arguments: [String], input: String = "", environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        var cleaned = environment
        // Tests choose their database explicitly; an inherited DATABASE_URL must not leak in.
        if cleaned["DATABASE_URL"] == nil { cleaned["DATABASE_URL"] = "" }
        return try ProcessRunner.run(path(name), arguments, input: input, environment: cleaned)
    }

    /// Starts a built executable and returns at once (same environment rules as `run`).
    public static func start(
        _ name: String, _ arguments: [String], input: String = "", environment: [String: String] = [:]
    ) throws -> RunningProcess {
        var cleaned = environment
        if cleaned["DATABASE_URL"] == nil { cleaned["DATABASE_URL"] = "" }
        return try ProcessRunner.start(path(name), arguments, input: Data(input.utf8), environment: cleaned)
    }
}
