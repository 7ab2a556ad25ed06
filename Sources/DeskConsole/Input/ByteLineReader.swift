/// Cuts a byte stream into lines in constant memory, whatever arrives: a line that is not UTF-8
/// or longer than `maximumLineLength` becomes `.unreadable` (the rest of it is skipped), so a
/// 1 MB line or a binary file gets an error, never a crash or an unbounded buffer.
public struct ByteLineReader: LineSource {
    /// The longest line accepted, in bytes; a command line is never near it.
    public static let defaultMaximumLineLength = 64 * 1024

    private let readChunk: (inout [UInt8]) -> Int
    private let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    /// Reads through `readChunk`, which fills its argument and returns the byte count
    /// (0 at end of input, negative on error, treated as the end).
    public init(maximumLineLength: Int = defaultMaximumLineLength, readChunk: @escaping (inout [UInt8]) -> Int) {
        self.readChunk = readChunk
        self.maximumLineLength = maximumLineLength
    }

    /// Serves lines from bytes already in memory (tests, `-c`).
    public init(bytes: [UInt8], maximumLineLength: Int = defaultMaximumLineLength) {
        var remaining = bytes[...]
        self.init(maximumLineLength: maximumLineLength) { chunk in
            let count = min(chunk.count, remaining.count)
            chunk.replaceSubrange(0..<count, with: remaining.prefix(count))
            remaining = remaining.dropFirst(count)
            return count
        }
    }

    public mutating func nextLine(prompt: String) -> InputLine? {
        var line: [UInt8] = []
        var tooLong = false
        while true {
            if position == buffer.count {
                guard refill() else {
                    if line.isEmpty && !tooLong { return nil }
                    return finish(line, tooLong: tooLong)
                }
            }
            let slice = buffer[position...]
            if let newline = slice.firstIndex(of: 0x0A) {
                append(slice[position..<newline], to: &line, tooLong: &tooLong)
                position = newline + 1
                return finish(line, tooLong: tooLong)
            }
            append(slice, to: &line, tooLong: &tooLong)
            position = buffer.count
        }
    }

    private mutating func refill() -> Bool {
        guard !atEnd else { return false }
        buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = readChunk(&buffer)
        guard count > 0 else {
            atEnd = true
            buffer = []
            position = 0
            return false
        }
        buffer.removeSubrange(count...)
        position = 0
        return true
    }

    private func append(_ bytes: ArraySlice<UInt8>, to line: inout [UInt8], tooLong: inout Bool) {
        guard !tooLong else { return }
        if line.count + bytes.count > maximumLineLength {
            tooLong = true
            line = []
        } else {
            line.append(contentsOf: bytes)
        }
    }

    private func finish(_ bytes: [UInt8], tooLong: Bool) -> InputLine {
        if tooLong { return .unreadable("the line is longer than \(maximumLineLength) bytes") }
        var bytes = bytes
        if bytes.last == 0x0D { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .unreadable("the line is not valid UTF-8")
        }
        if text.unicodeScalars.contains(where: { $0 == "\0" }) { return .unreadable("the line contains a NUL character") }
        return .text(text)
    }
}
