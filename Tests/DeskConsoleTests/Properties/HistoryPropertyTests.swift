@testable import DeskConsole
import FuzzTesting
import PropertyBased
import Testing
import ProcessTesting
import TestSupport
import TOTPCore

/// History never keeps a code, whatever surrounds it, and what it keeps of a `verify` line
/// still names the same member.
@Suite struct HistoryPropertyTests {
    @Test func aVerifyLineIsKeptWithoutItsCodeAndNamesTheSameMember() async {
        await propertyCheck(count: 2000, input: FuzzGen.hostileText(length: 1...10)) { member in
            let code = RecoveryCode.generate().grouped
            let line = "verify " + TokenizerPropertyTests.singleQuoted(member) + " " + code
            guard let entry = HistoryFilter.entry(for: line) else { return }     // forgotten whole: fine
            #expect(!entry.contains(code))
            #expect((try? CommandTokenizer.words(entry)) == ["verify", member], "\(entry)")
        }
    }
}
