import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
struct ChildOutcome: Sendable, Equatable {
    /// Its exit status (128 + the signal for one killed by a signal); nil when it ran out of time.
    let status: Int32?
    /// What it wrote to standard output and standard error, the first 8 KiB.
    let output: String
}

/// Runs one program with bytes on its standard input, for at most a given time: the small
/// spawner the notification worker needs to hand a mail to sendmail.
///
/// posix_spawn rather than Foundation's `Process` (whose exit detection needs a free dispatch
/// thread). The child starts with no signal blocked and default handlers, as from a shell, in a
/// process group of its own, so a timeout ends it and whatever it started. Its input and output
/// are unlinked temporary files: the mail (which may hold a one-time code) never stays on disk,
/// and neither side can block on a full pipe.
enum ChildProcess {
    /// Runs `arguments[0]` (searched on PATH unless it holds a slash) with `input` on standard
    /// input; kills it after `timeout` seconds.
    static func run(_ arguments: [String], input: [UInt8], timeout: Double) throws(ChildProcessError) -> ChildOutcome {
        guard let program = arguments.first else { throw ChildProcessError("no command given") }
        let inputFile = try anonymousFile()
        defer { close(inputFile) }
        let outputFile = try anonymousFile()
        defer { close(outputFile) }
        try writeAll(input, to: inputFile)
        lseek(inputFile, 0, SEEK_SET)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputFile, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFile, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFile, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var pid = pid_t()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let spawned = program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw ChildProcessError("cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        let status = waitForExit(pid, timeout: timeout)
        return ChildOutcome(status: status, output: readBack(outputFile))
    }

    /// Polls for the child's exit until the deadline, then kills its process group.
    private static func waitForExit(_ pid: pid_t, timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var pause = 1_000 as useconds_t
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return exitStatus(status) }
            if reaped == -1 && errno != EINTR { return 128 + SIGKILL }
            if Date() >= deadline { break }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return nil
    }

    private static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A temporary file with no name: created, then unlinked at once; closed on exec, so only
    /// the descriptors dup2 gives the child reach it.
    private static func anonymousFile() throws(ChildProcessError) -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/portal-notify-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw ChildProcessError("cannot make a temporary file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return descriptor
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(ChildProcessError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ChildProcessError("cannot write the message to a temporary file: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private static func readBack(_ descriptor: Int32) -> String {
        lseek(descriptor, 0, SEEK_SET)
        var buffer = [UInt8](repeating: 0, count: 8192)
        var filled = 0
        while filled < buffer.count {
            let count = buffer[filled...].withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            filled += count
        }
        return String(decoding: buffer[..<filled], as: UTF8.self)
    }
}

/// A child process that could not be started at all.
struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    /// What failed, with the errno text.
    let description: String

    init(_ description: String) { self.description = description }
}
