import CommandLineSupport
import DeskConsole

/// Recovery codes for `verify USER` in a `-c` or `-f` script, read from stdin: the arguments of
/// a process are visible to every user of the machine through `ps`, so a code is better piped in
/// (`printf '%s\n' "$CODE" | support-desk -c 'verify jane@acme.example'`) or typed at a hidden
/// prompt than given on the command line.
final class StandardInputCodes {
    /// Stdin, one line per code; lines read ahead stay here for the next `verify`.
    private var lines = ByteLineReader(readChunk: Platform.chunkReader(fd: 0))

    /// The next line of stdin, or nil when none is left (or it is not readable text). On a
    /// terminal, `question` is shown on stderr and the typing is hidden.
    func read(_ question: String) -> String? {
        let line = HiddenTyping.read(prompt: question) { lines.nextLine(prompt: "") }
        guard case .text(let text) = line else { return nil }
        return text
    }
}
