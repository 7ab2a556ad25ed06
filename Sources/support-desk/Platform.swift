#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The libc calls the executable needs, kept in one place: terminals, signals, files, the pager.
enum Platform {
    /// psql's rule: interactive only when both stdin and stdout are terminals.
    static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

    /// Whether standard error is a terminal (progress goes there only then).
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }


    /// Writes text to standard error without a newline (progress).
    static func printProgress(_ text: String) { fputs(text, stderr) }

    /// Writes a result line to standard output (buffered; flushed before errors and at exit).
    static func printLine(_ line: String) {
        fputs(line, stdout)
        fputc(0x0A, stdout)
    }

    /// Writes UTF-8 bytes and a newline to standard output.
    static func printLine(_ line: UnsafeBufferPointer<UInt8>) {
        if let start = line.baseAddress { fwrite(start, 1, line.count, stdout) }
        fputc(0x0A, stdout)
    }

    /// Flushes standard output.
    static func flushOutput() { fflush(stdout) }

    /// The terminal's height in lines, if stdout is one.
    static var terminalRows: Int? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// The terminal's width in columns, if stdout is one.
    static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// A reader of a file descriptor for `ByteLineReader`.
    static func chunkReader(fd: Int32) -> (inout [UInt8]) -> Int {
        { buffer in
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                return count
            }
        }
    }

    /// Opens a script file for reading, or says why not.
    static func openForReading(_ path: String) -> Result<Int32, SystemFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemFailure(reason: String(cString: strerror(errno)))) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            return .failure(SystemFailure(reason: "it is a directory"))
        }
        return .success(fd)
    }

    /// Why a system call failed, in the system's words.
    struct SystemFailure: Error {
        let reason: String
    }

    /// Makes sure the history file exists with mode 0600 (and fixes a looser one).
    static func prepareHistoryFile(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fchmod(fd, 0o600) == 0
    }

    /// Routes Ctrl-C to `handler` on a thread of its own instead of killing the process: SIGINT
    /// is blocked in every thread (call this before any other thread starts) and taken with sigwait.
    static func routeInterrupts(to handler: @escaping @Sendable () -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let thread = Thread {
            var waitSet = sigset_t()
            sigemptyset(&waitSet)
            sigaddset(&waitSet, SIGINT)
            var signal: Int32 = 0
            while sigwait(&waitSet, &signal) == 0 { handler() }
        }
        thread.start()
    }

    /// Ends the process as an unhandled Ctrl-C would (killed by SIGINT), from the thread
    /// `routeInterrupts` runs: what a script's Ctrl-C does when no `log follow` is running.
    static func dieOfInterrupt() -> Never {
        signal(SIGINT, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(SIGINT)
        _exit(130)
    }

    /// Makes the C library (and so libedit) read and show UTF-8, as psql does: the user's
    /// locale if it is UTF-8, else C.UTF-8. Without it, libedit drops every non-ASCII key.
    static func useUTF8Locale() {
        if let locale = setlocale(LC_CTYPE, ""), String(cString: locale).uppercased().replacingOccurrences(of: "-", with: "").contains("UTF8") {
            return
        }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }

    /// A pipe whose write end the signal thread pokes when Ctrl-C arrives at a prompt.
    static func makeInterruptPipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }

    /// Writes one byte to a pipe (from the signal thread; write is async-signal-safe anyway).
    static func poke(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    /// What woke a prompt up: a byte from the terminal, Ctrl-C, or the end of input.
    enum KeyEvent {
        case byte(UInt8)
        case interrupt
        case end
    }

    /// Waits for the next byte on stdin or a poke on `interruptFD`, whichever comes first.
    static func nextKey(interruptFD: Int32) -> KeyEvent {
        while true {
            var descriptors = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: interruptFD, events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 2, -1) >= 0 else {
                if errno == EINTR { continue }
                return .end
            }
            if descriptors[1].revents & Int16(POLLIN) != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                _ = read(interruptFD, &drained, drained.count)
                return .interrupt
            }
            var byte: UInt8 = 0
            let count = read(0, &byte, 1)
            if count == 1 { return .byte(byte) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return .end
        }
    }

    /// Throws away what was typed but not read yet, before a question is shown.
    static func discardTypedAhead() { tcflush(0, TCIFLUSH) }

    /// A pager that quits early must not kill the console.
    static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }

    /// A pager started for one long result, like psql's; lines are written into it as they come.
    struct Pager {
        private let pipe: UnsafeMutablePointer<FILE>

        /// Starts `command` (with `LESS=FRX` unless `LESS` is set); nil if it cannot start.
        init?(command: String) {
            if getenv("LESS") == nil { setenv("LESS", "FRX", 1) }
            fflush(stdout)
            guard let pipe = popen(command, "w") else { return nil }
            self.pipe = pipe
        }

        func write(_ line: String) {
            fputs(line, pipe)
            fputc(0x0A, pipe)
        }

        /// Ends the input and waits until the pager is quit.
        func close() { pclose(pipe) }
    }

    /// Writes part of a result line to standard output (a streamed JSON page).
    static func printPart(_ text: String) { fputs(text, stdout) }

    /// Whether an executable exists at `path`.
    static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }
}
