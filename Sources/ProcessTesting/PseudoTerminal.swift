public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// Runs a program on a pseudo-terminal of its own, as a person at a terminal would: the child is
/// a session leader with the terminal as its controlling tty, so Ctrl-C (byte 3) becomes SIGINT
/// and line editing, completion and prompts behave as they do for real.
public final class PseudoTerminal {
    private let master: Int32
    /// The child's process id.
    public let pid: pid_t
    /// Everything the program has written so far.
    public private(set) var transcript = ""
    private var unread = ""

    /// Starts `program` on a new terminal of `rows` × `columns`.
    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                rows: UInt16 = 40, columns: UInt16 = 160) throws {
        // posix_openpt/unlockpt/ptsname are hidden behind feature macros in Swift's Glibc module;
        // on Linux they are /dev/ptmx plus two ioctls (grantpt is a no-op with devpts).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0,
              ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw ProcessRunnerError(description: "cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(0x80))   // POSIX_SPAWN_SETSID: a session of its own
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)  // becomes the controlling tty
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var pid = pid_t()
        let spawned = withSpawnArguments(program, arguments, environment: environment) { argv, envp in
            posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        }
        guard spawned == 0 else {
            close(master)
            throw ProcessRunnerError(description: "cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        self.master = master
        self.pid = pid
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, WNOHANG)
        close(master)
    }

    /// Types `text` (use "\t" for Tab, "\r" for Enter, "\u{03}" for Ctrl-C, "\u{04}" for Ctrl-D).
    ///
    /// By default it first waits until the program's line editor holds the terminal (canonical
    /// mode off): a prompt can be on the screen a moment before that, and keys typed in that
    /// moment go through the kernel's line discipline instead (a Ctrl-D there is lost). Pass
    /// `atPrompt: false` for keys meant for a program that is busy, such as Ctrl-C during a query.
    public func type(_ text: String, atPrompt: Bool = true) {
        if atPrompt { waitForLineEditing() }
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written <= 0 { return }
            bytes.removeFirst(written)
        }
    }

    /// Waits (up to 5 s) until the terminal is out of canonical mode, as a line editor sets it.
    private func waitForLineEditing() {
        let deadline = Date().addingTimeInterval(5)
        var settings = termios()
        while Date() < deadline {
            // On Linux the master side reports the terminal's settings.
            if tcgetattr(master, &settings) == 0, settings.c_lflag & tcflag_t(ICANON) == 0 { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Reads until `text` appears in output not yet consumed, and returns that output up to and
    /// including it. Throws with what arrived if it does not appear within `timeout` seconds.
    @discardableResult
    public func expect(_ text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = unread.range(of: text) {
                let consumed = String(unread[..<range.upperBound])
                unread = String(unread[range.upperBound...])
                return consumed
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw ProcessRunnerError(description: "waited \(timeout) s for \(text.debugDescription); got: \(unread.debugDescription)")
            }
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(min(remaining, 0.2) * 1000)) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else {
                throw ProcessRunnerError(description: "the program closed its terminal while waiting for \(text.debugDescription); got: \(unread.debugDescription)")
            }
            let text = String(decoding: buffer[..<count], as: UTF8.self)
            transcript += text
            unread += text
        }
    }

    /// Waits for the program to exit and returns its status (128 + signal if killed).
    public func wait(timeout: Double = 10) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            // Keep draining output so a program that writes on its way out never blocks.
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 0) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(master, &buffer, buffer.count)
                if count > 0 { transcript += String(decoding: buffer[..<count], as: UTF8.self) }
            }
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            guard Date() < deadline else {
                throw ProcessRunnerError(description: "the program did not exit within \(timeout) s; it last wrote: \(String(transcript.suffix(300)).debugDescription)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
