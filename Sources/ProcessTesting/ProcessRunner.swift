public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// What a finished child process left behind.
public struct ProcessOutput: Sendable {
    /// The exit status (128 + the signal number, for a process killed by one).
    public let status: Int32
    /// Everything written to standard output.
    public let standardOutput: String
    /// Everything written to standard error.
    public let standardError: String
}

/// Why a child process could not be run.
public struct ProcessRunnerError: Error, CustomStringConvertible {
    /// What failed, with the errno text.
    public let description: String
}

/// Runs external programs (oathtool, python3, scripts/pg-cluster) for tests.
///
/// Built on posix_spawn and waitpid rather than Foundation's `Process`, whose exit detection
/// needs a free dispatch thread: with every test thread of a 2-core machine blocked waiting for
/// a child, it never notices the child has exited. Input and output go through temporary files,
/// so a chatty child can never deadlock against a test still writing its input.
public enum ProcessRunner {
    /// Runs `program` (searched on PATH unless it contains a slash) and waits for it.
    public static func run(
        _ program: String, _ arguments: [String], input: String = "", environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        try start(program, arguments, input: Data(input.utf8), environment: environment).wait()
    }

    /// Starts `program` and returns at once, for tests that act while it runs.
    public static func start(
        _ program: String, _ arguments: [String], input: Data, environment: [String: String] = [:]
    ) throws -> RunningProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sd-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let inputPath = folder.appendingPathComponent("in").path
        let outputPath = folder.appendingPathComponent("out").path
        let errorPath = folder.appendingPathComponent("err").path
        try input.write(to: URL(fileURLWithPath: inputPath))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // The child starts with no signal blocked and every handler at its default, as from a
        // shell: test threads are dispatch workers, which block most signals, and a child would
        // inherit that mask and ignore the SIGTERM a test sends it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid = pid_t()
        let spawned = withSpawnArguments(program, arguments, environment: environment) { argv, envp in
            program.contains("/")
                ? posix_spawn(&pid, program, &actions, &attributes, argv, envp)
                : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        }
        guard spawned == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw ProcessRunnerError(description: "cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        return RunningProcess(pid: pid, program: program, folder: folder)
    }
}

/// A child started by `ProcessRunner.start`; `wait()` collects it (call it exactly once).
public struct RunningProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    let program: String
    let folder: URL

    /// What the child has written to standard output so far, for tests that watch a
    /// long-running command (a `log follow`) while it runs.
    public func standardOutputSoFar() -> String {
        (try? String(contentsOfFile: folder.appendingPathComponent("out").path, encoding: .utf8)) ?? ""
    }

    /// Waits for the child to exit and returns what it left.
    public func wait() throws -> ProcessOutput {
        defer { try? FileManager.default.removeItem(at: folder) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw ProcessRunnerError(description: "waiting for \(program): \(String(cString: strerror(errno)))")
            }
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProcessOutput(
            status: exitStatus,
            standardOutput: try String(contentsOfFile: folder.appendingPathComponent("out").path, encoding: .utf8),
            standardError: try String(contentsOfFile: folder.appendingPathComponent("err").path, encoding: .utf8))
    }
}
