import FuzzTesting
import Foundation
@testable import PortalCore
@testable import SupportClient
import PropertyBased
import Testing
import ProcessTesting
import TestSupport

/// The portal's and the supervisors' small parsers: anchors kept outside the database, and the
/// PORTAL_SECRET_KEY text. Any text gives a value or the typed error; what is written reads back.
@Suite struct AnchorAndKeyPropertyTests {
    static var anchors: Generator<AuditAnchor, some SendableSequenceType> {
        zip(Gen.int64(in: 0...Int64.max), Gen<UInt8>.value(in: 0...255).array(of: 32))
            .map { AuditAnchor(seq: $0, hash: $1) }
    }

    @Test func anAnchorReadsBackFromItsLine() async {
        await propertyCheck(count: 1000, input: Self.anchors, FuzzGen.pieces(0...3, from: [" ", "\t", "\n", "\r\n"])) { anchor, space in
            #expect((try? AuditAnchor(text: space + anchor.description + space)) == anchor)
        }
    }

    @Test func anyTextIsAnAnchorOrUnreadable() async {
        let near = ["supportdesk-anchor", "v1", "v2", " ", "\n", "0", "42", "-1", "99999999999999999999", String(repeating: "a", count: 64),
                    String(repeating: "0", count: 63), "\u{301}", "\u{2028}", "\u{A0}", "ｖ1", "+7"]
        await propertyCheck(count: 3000, input: Gen.oneOf(FuzzGen.hostileText().eraseToAnySequence(), FuzzGen.pieces(0...8, from: near).eraseToAnySequence())) { text in
            do throws(AuditChainProblem) {
                let anchor = try AuditAnchor(text: text)
                #expect((try? AuditAnchor(text: anchor.description)) == anchor)
                #expect(anchor.hash.count == 32 && anchor.seq >= 0)
            } catch {
                #expect(error == .unreadableAnchor)
            }
        }
    }

    @Test func anyKeyTextIsAKeyOrMalformed() async {
        await propertyCheck(count: 2000, input: FuzzGen.hostileText(length: 0...70), Gen<UInt8>.value(in: 0...255).array(of: 32)) { text, key in
            do throws(SecretBoxError) {
                _ = try SecretBox(keyText: text)
            } catch {
                #expect(error == .malformedKey)
            }
            let hex = key.map { String(format: "%02x", $0) }.joined()
            #expect((try? SecretBox(keyText: hex)) != nil)
            #expect((try? SecretBox(keyText: " " + Data(key).base64EncodedString() + "\n")) != nil)
            #expect((try? SecretBox(keyText: Data(key.dropLast()).base64EncodedString())) == nil, "31 bytes is no key")
        }
    }
}
