import DeskConsole
import Testing

/// Script input in constant memory: any bytes give lines or clear errors, never a crash.
@Suite struct ByteLineReaderTests {
    func lines(_ bytes: [UInt8], maximum: Int = ByteLineReader.defaultMaximumLineLength) -> [InputLine] {
        var reader = ByteLineReader(bytes: bytes, maximumLineLength: maximum)
        var result: [InputLine] = []
        while let line = reader.nextLine(prompt: "") { result.append(line) }
        return result
    }

    @Test func splitsOnNewlinesAndDropsCarriageReturns() {
        #expect(lines(Array("find a\r\nshow b\n\nlast".utf8)) == [.text("find a"), .text("show b"), .text(""), .text("last")])
        #expect(lines([]) == [])
        #expect(lines(Array("one\n".utf8)) == [.text("one")])
    }

    @Test func invalidUTF8IsAnErrorForThatLineOnly() {
        #expect(lines([0x66, 0xFF, 0x0A, 0x68, 0x69]) == [.unreadable("the line is not valid UTF-8"), .text("hi")])
        #expect(lines([0xC3]) == [.unreadable("the line is not valid UTF-8")])
        #expect(lines(Array("a\u{0}b\nok".utf8)) == [.unreadable("the line contains a NUL character"), .text("ok")])
    }

    @Test func aHugeLineIsRefusedAndSkipped() {
        let huge = [UInt8](repeating: 0x61, count: 1_048_576)
        #expect(lines(huge + [0x0A] + Array("help".utf8)) == [.unreadable("the line is longer than 65536 bytes"), .text("help")])
        #expect(lines(Array("12345\n123456\n".utf8), maximum: 5) == [.text("12345"), .unreadable("the line is longer than 5 bytes")])
    }

    @Test func linesSpanningChunksAreJoined() {
        var chunks = [Array("fi".utf8), Array("nd ja".utf8), Array("ne\nsh".utf8), Array("ow 1\n".utf8)]
        var reader = ByteLineReader { buffer in
            guard !chunks.isEmpty else { return 0 }
            let chunk = chunks.removeFirst()
            buffer.replaceSubrange(0..<chunk.count, with: chunk)
            return chunk.count
        }
        #expect(reader.nextLine(prompt: "") == .text("find jane"))
        #expect(reader.nextLine(prompt: "") == .text("show 1"))
        #expect(reader.nextLine(prompt: "") == nil)
    }
}
