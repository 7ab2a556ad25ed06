import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small files around anchors (the anchor itself, signing and public keys): read with a
/// size limit, so naming a huge file or a device costs no memory, and written only as new files
/// with their final mode from the start, so a key is never readable by others for an instant
/// and never overwrites another.
enum KeyFiles {
    /// The most read of any of them: each is a line or two.
    static let limit = 4096

    /// The file's text, at most `limit` bytes; `what` names it in refusals ("anchor file").
    static func read(_ path: String, what: String) throws(ConsoleFailure) -> String {
        let data: Data
        do {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
            defer { try? handle.close() }
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .usage("cannot read the \(what) \(path)")
        }
        guard data.count <= limit, let text = String(data: data, encoding: .utf8) else {
            throw .usage("\(path) is not a\("aeiou".contains(what.first ?? "x") ? "n" : "") \(what)")
        }
        return text
    }

    /// A signing key's text; refused when others may read the file, as ssh refuses such a key.
    static func readPrivate(_ path: String) throws(ConsoleFailure) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .usage("cannot read the signing key \(path)") }
        guard status.st_mode & 0o077 == 0 else {
            throw .usage("the signing key \(path) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        return try read(path, what: "signing key file")
    }

    /// Writes a new file with `mode`; refuses when it exists.
    static func create(_ path: String, text: String, mode: mode_t) throws(ConsoleFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw .usage(errno == EEXIST ? "\(path) exists: a key file is never overwritten" : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw .usage("cannot write \(path)")
        }
    }

    /// Whether anything is at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }
}
