@testable import DeskConsole
import FuzzTesting
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

/// Flags: any words give a parsed command or a usage error, and a command written out from
/// its parts (`--flag VALUE` or `--flag=VALUE`, positionals after `--` when they look like flags)
/// parses back to exactly those parts, for every command in the table.
@Suite struct FlagParserPropertyTests {
    /// A command's parts, chosen at random within what its spec allows.
    struct Parts: Sendable, CustomStringConvertible {
        let spec: CommandSpec
        let positionals: [String]
        let options: [String: String]
        let switches: Set<String>
        let inline: Bool

        var words: [String] {
            var words: [String] = []
            for flag in spec.flags {
                if let value = options[flag.name] { words += inline ? ["--\(flag.name)=\(value)"] : ["--\(flag.name)", value] }
                if switches.contains(flag.name) { words.append("--\(flag.name)") }
            }
            if positionals.contains(where: { $0.unicodeScalars.starts(with: "--".unicodeScalars) }) { words.append("--") }
            return words + positionals
        }

        var description: String { "\(spec.name) \(words)" }
    }

    static var parts: Generator<Parts, some SendableSequenceType> {
        zip(Gen<CommandSpec?>.element(of: CommandTable.all), FuzzGen.hostileText(length: 0...6).array(of: 0...6),
            Gen.bool.array(of: 8), Gen.bool)
            .compactMap { spec, texts, chosen, inline -> Parts? in
                guard let spec else { return nil }
                var texts = texts[...]
                var options: [String: String] = [:]
                var switches: Set<String> = []
                for (index, flag) in spec.flags.enumerated() where chosen[index % chosen.count] {
                    if flag.value == nil { switches.insert(flag.name) } else { options[flag.name] = texts.popFirst() ?? "" }
                }
                let count = min(texts.count, spec.maximum ?? texts.count)
                guard count >= spec.minimum else { return nil }
                return Parts(spec: spec, positionals: Array(texts.prefix(count)), options: options, switches: switches, inline: inline)
            }
    }

    @Test func partsWrittenOutParseBack() async {
        await propertyCheck(count: 3000, input: Self.parts) { parts in
            let parsed = try? parts.spec.parse(parts.words[...])
            #expect(parsed == ParsedCommand(command: parts.spec.command, positionals: parts.positionals, options: parts.options, switches: parts.switches),
                    "\(parts)")
        }
    }

    @Test func anyWordsGiveACommandOrAUsageError() async {
        await propertyCheck(count: 3000, input: Gen<CommandSpec?>.element(of: CommandTable.all),
                            FuzzGen.hostileText(length: 0...6).array(of: 0...8)) { spec, words in
            guard let spec else { return }
            do throws(ConsoleFailure) {
                let parsed = try spec.parse(words[...])
                #expect(parsed.positionals.count >= spec.minimum)
                #expect(Set(parsed.options.keys).isSubset(of: spec.flags.compactMap { $0.value == nil ? nil : $0.name }))
            } catch {
                #expect(error.kind == .usage)
            }
        }
    }
}
