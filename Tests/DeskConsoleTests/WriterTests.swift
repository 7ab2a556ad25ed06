@testable import DeskConsole
import DeskDatabase
import Foundation
import PGClient
import Testing

/// Each format escapes by its own rules: terminals see escapes, JSON is valid, CSV cannot run formulas.
@Suite struct WriterTests {
    func report(_ fields: [ReportField]) -> CommandReport {
        var report = CommandReport(command: "t")
        report.fields = ReportRecord(fields)
        return report
    }

    @Test func jsonEscapesControlCharactersAndSeparators() {
        let line = JSONLineWriter.line(for: report([ReportField("name", .text("a\"b\\c\n\u{1B}[2J\u{7F}\u{2028}é")), ReportField("n", .null)]))
        #expect(line == #"{"ok":true,"command":"t","name":"a\"b\\c\n\u001b[2J\u007f\u2028é","n":null}"#)
    }

    /// The console's JSON lines and the error object both executables print escape strings
    /// alike (they had two escapers, which disagreed on `\b` and `\f`): every C0 control, DEL,
    /// the line separators, characters outside the Basic Multilingual Plane, and text that was
    /// invalid UTF-8 (repaired to U+FFFD when the String was made) come out the same in both,
    /// parse back to the original, and leave no raw control byte in the line.
    @Test func jsonStringsAreEscapedAlikeInLinesAndErrorObjects() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init) + ["\u{7F}"]))
        let invalid = String(decoding: [0x61, 0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x62], as: UTF8.self)
        let texts = [controls, "\u{2028}\u{2029}", "🚀 𝄞 \u{10FFFF}", "e\u{301} ü 中", invalid, "\"\\/", "", "plain text"]
        for text in texts {
            let line = JSONLineWriter.line(for: report([ReportField("t", .text(text))]))
            let error = ErrorReport(sqlState: nil, message: text).jsonObject
            let literal = JSONText.string(text)
            #expect(line == #"{"ok":true,"command":"t","t":"# + literal + "}")
            #expect(error == #"{"sqlstate":null,"message":"# + literal + "}")
            for json in [line, error] {
                #expect(!json.utf8.contains { $0 < 0x20 || $0 == 0x7F }, "\(json)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
                #expect((object["t"] ?? object["message"]) as? String == text)
            }
        }
        #expect(JSONText.string("\u{8}\u{C}\u{1}\u{1F}\u{7F}") == #""\b\f\u0001\u001f\u007f""#)
        #expect(JSONText.string("a\u{2028}b\u{2029}") == #""a\u2028b\u2029""#)
        #expect(JSONText.string("🚀") == "\"🚀\"")
    }

    /// The escaper skips clean text eight bytes at a time; a plain scalar-by-scalar escaper
    /// must agree with it wherever the characters that need escaping fall (inside a word, across
    /// two words, in the tail, as the first or last byte), next to look-alike bytes (0xE2 that
    /// starts an em dash, not a line separator).
    @Test func jsonEscapingAgreesWithAScalarByScalarReference() {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{8}": out += "\\b"
                case "\u{C}": out += "\\f"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let alphabet: [String] = ["a", "Z", " ", "é", "中", "🚀", "—", "✓", "\u{2028}", "\u{2029}", "\"", "\\", "\u{7F}", "\u{0}",
                                  "\n", "\u{8}", "\u{1B}", "\u{1F}", "abcdefgh", "\u{E2}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3_000 {
            let text = (0..<next(24)).map { _ in alphabet[next(alphabet.count)] }.joined()
            #expect(JSONText.string(text) == reference(text), "\(Array(text.utf8))")
        }
    }

    @Test func jsonWritesWholeNumbersAsDecimalAndRecordsAsObjects() {
        for number in [Int64(0), 7, -7, 10, 1_000_000, .max, .min] {
            #expect(JSONLineWriter.line(for: report([ReportField("n", .integer(number))])) == #"{"ok":true,"command":"t","n":"# + "\(number)}")
        }
        let rows = ReportValue.records([ReportRecord([ReportField("row", .integer(1)), ReportField("ok", .bool(true))]),
                                        ReportRecord([ReportField("row", .integer(2)), ReportField("score", .number(0.5))])])
        #expect(JSONLineWriter.line(for: report([ReportField("rows", rows)]))
                == #"{"ok":true,"command":"t","rows":[{"row":1,"ok":true},{"row":2,"score":0.5}]}"#)
    }

    @Test func jsonFailuresCarryTheSQLState() {
        var failed = report([])
        failed.failure = ConsoleFailure(.refused, sqlState: "DK005", message: "verify first")
        #expect(JSONLineWriter.line(for: failed) == #"{"ok":false,"command":"t","error":{"sqlstate":"DK005","message":"verify first"}}"#)
    }

    @Test func csvNeutralisesFormulasAndQuotes() {
        let lines = CSVWriter.lines(for: report([
            ReportField("a", .text("=1+1")), ReportField("b", .text("+44 20")), ReportField("c", .text("-x")),
            ReportField("d", .text("@SUM(A1)")), ReportField("e", .text("\tx")), ReportField("f", .text("a,\"b\"\r\nc")),
            ReportField("g", .integer(-5)), ReportField("h", .bool(true)), ReportField("i", .null),
            ReportField("j", .time(PGTimestamp(microsecondsSinceUnixEpoch: 0))),
        ]))
        #expect(lines == ["a,b,c,d,e,f,g,h,i,j", #"'=1+1,'+44 20,'-x,'@SUM(A1),'\tx,"a,""b""\r\nc",-5,true,,1970-01-01T00:00:00.000000Z"#])
    }

    /// A cell never carries a raw control byte: they are escaped as in the table format.
    @Test func csvEscapesControlCharactersAsTablesDo() {
        let nasty = "a\u{1B}[2J\u{0}b\u{7F}\u{9B}31m\u{202E}c\\x1B\nd\re"
        let lines = CSVWriter.lines(for: report([ReportField("name", .text(nasty)), ReportField("note", .text("\r=cmd|' /C calc'!A0"))]))
        #expect(lines == ["name,note", #"a\x1B[2J\x00b\x7F\x9B31m\u{202E}c\\x1B\nd\re,'\r=cmd|' /C calc'!A0"#])
        #expect(lines[1] == TerminalSafeText.escape(nasty) + ",'" + TerminalSafeText.escape("\r=cmd|' /C calc'!A0"))
        #expect(!lines.joined().unicodeScalars.contains { TerminalSafeText.isUnsafe($0) })
    }

    @Test func tablesEscapeAndAlign() {
        let lines = HumanWriter.lines(for: [.table(headers: ["n", "x"], rows: [["\u{1B}[31mred", "1"], ["漢字", "2"]], footer: "(2 rows)")], styler: Styler(colour: false))
        #expect(lines == [" n           | x", "-------------+---", #" \x1B[31mred | 1"#, " 漢字        | 2", "(2 rows)"])
    }

    @Test func colourOnlyWhenAsked() {
        #expect(Styler(colour: true).apply(.danger, "no") == "\u{1B}[1;31mno\u{1B}[0m")
        #expect(Styler(colour: false).apply(.danger, "no") == "no")
    }

    @Test func timeArgumentsTakeSpansAndDates() throws {
        let now = PGTimestamp(microsecondsSinceUnixEpoch: 1_790_000_000_000_000)
        let times = TimeText(timeZone: .init(identifier: "UTC")!, now: { now.date })
        #expect(try TimeArgument.parse("7d", flag: "since", times: times).microsecondsSinceUnixEpoch == now.microsecondsSinceUnixEpoch - 7 * 86_400_000_000)
        #expect(try TimeArgument.parse("30m", flag: "since", times: times).microsecondsSinceUnixEpoch == now.microsecondsSinceUnixEpoch - 1_800_000_000)
        #expect(try TimeArgument.parse("2026-11-29", flag: "since", times: times).description == "2026-11-29T00:00:00.000000Z")
        #expect(try TimeArgument.parse("2026-11-29 14:05", flag: "since", times: times).description == "2026-11-29T14:05:00.000000Z")
        #expect(try TimeArgument.parse("2026-11-29T14:05:00+01:00", flag: "since", times: times).description == "2026-11-29T13:05:00.000000Z")
        let berlin = TimeText(timeZone: .init(identifier: "Europe/Berlin")!, now: { now.date })
        #expect(try TimeArgument.parse("2026-11-29 14:05", flag: "since", times: berlin).description == "2026-11-29T13:05:00.000000Z")
        #expect(throws: ConsoleFailure.self) { try TimeArgument.parse("soon", flag: "since", times: times) }
        #expect(throws: ConsoleFailure.self) { try TimeArgument.parse("7y", flag: "since", times: times) }
    }

    @Test func timesReadWell() {
        let times = TimeText(timeZone: .init(identifier: "UTC")!, now: { PGTimestamp(microsecondsSinceUnixEpoch: 0).date })
        #expect(times.absolute(PGTimestamp(microsecondsSinceUnixEpoch: 900_000_000)) == "1970-01-01 00:15:00 UTC")
        #expect(times.deadline(PGTimestamp(microsecondsSinceUnixEpoch: 900_000_000)) == "1970-01-01 00:15:00 UTC (in 15 minutes)")
        #expect(TimeText.spoken(seconds: 3600) == "1 hour")
        #expect(TimeText.spoken(seconds: 5400) == "1 hour 30 minutes")
    }
}

/// Tables fit the terminal (issue 14): a 200-character name is cut, not wrapped over every row.
@Suite struct TerminalWidthTests {
    @Test func aTableWiderThanTheTerminalHasItsWidestCellsCut() {
        let long = String(repeating: "Ab", count: 100)
        let blocks: [HumanBlock] = [.table(headers: ["#", "name", "email"], rows: [["1", long, "jane@acme.example"], ["2", "Jane", "j@a.example"]], footer: nil)]
        let lines = HumanWriter.lines(for: blocks, styler: Styler(colour: false), width: 60)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(lines)")
        #expect(lines[2].contains("…") && lines[2].contains("jane@acme.example") && !lines[3].contains("…"))
        let wide = HumanWriter.lines(for: blocks, styler: Styler(colour: false), width: nil)
        #expect(wide[2].contains(long), "with no terminal, nothing is cut")
    }

    @Test func cuttingCountsColumnsNotCharacters() {
        #expect(DisplayWidth.cut("漢字漢字漢字", to: 5) == "漢字…")
        #expect(DisplayWidth.cut("short", to: 5) == "short")
        #expect(DisplayWidth.of(DisplayWidth.cut(String(repeating: "é", count: 30), to: 10)) == 10)
    }

    @Test func paragraphsWrapAtWordBoundaries() {
        let text = ConsoleText(ownWords: "Needs a match by you for this member in the last ten minutes, a reason and a ticket reference like SUP-4411.")
        let lines = HumanWriter.lines(for: [.paragraph(text, .plain, indent: 2)], styler: Styler(colour: false), width: 40)
        #expect(lines.count > 2 && lines.allSatisfy { $0.hasPrefix("  ") && DisplayWidth.of($0) <= 40 })
        #expect(lines.map { $0.dropFirst(2) }.joined(separator: " ") == text.text, "no word is split or lost")
    }
}

/// Interactive messages are sentences, but what the database stores is shown as stored (issue 14).
@Suite struct SentenceTests {
    @Test func anEmailFirstIsNotCapitalisedAndEverySentenceEnds() {
        #expect(ConsoleIO<ScriptLines, CapturedOutput>.sentence("john.smith@acme.example has no active 2FA") == "john.smith@acme.example has no active 2FA.")
        #expect(ConsoleIO<ScriptLines, CapturedOutput>.sentence("code rejected — 2 attempts left") == "Code rejected — 2 attempts left.")
        #expect(ConsoleIO<ScriptLines, CapturedOutput>.sentence("#42 is not a member") == "#42 is not a member.")
        #expect(ConsoleIO<ScriptLines, CapturedOutput>.sentence("Nothing changed.") == "Nothing changed.")
        #expect(ConsoleIO<ScriptLines, CapturedOutput>.sentence("what now?") == "What now?")
    }
}
