import ProcessTesting
/// Runs `scripts/pg-cluster`, the same script people use, so tests and the demo start
/// PostgreSQL the same way.
public enum ClusterScript {
    /// The repository's root, found from this source file's location.
    public static let repositoryRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3) // Sources/TestSupport/ClusterScript.swift
        return parts.joined(separator: "/")
    }()

    /// Runs the script with `arguments` and returns what it printed on stdout.
    public static func run(_ arguments: [String]) throws(ClusterError) -> String {
        let output: ProcessOutput
        do { output = try ProcessRunner.run(repositoryRoot + "/scripts/pg-cluster", arguments) } catch {
            throw ClusterError(message: "cannot run scripts/pg-cluster: \(error)")
        }
        guard output.status == 0 else {
            throw ClusterError(message: "scripts/pg-cluster \(arguments.joined(separator: " ")) failed: \(output.standardError)")
        }
        return output.standardOutput
    }
}
