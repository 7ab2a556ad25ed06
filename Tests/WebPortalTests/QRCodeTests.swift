import QRCode
import Testing

/// The QR module's own promises; that phones can read the result is the browser test's job
/// (zbarimg reads a screenshot of the set-up page).
@Suite struct QRCodeTests {
    @Test func aKeyURIFitsAndHasTheFinderPatterns() throws {
        let code = try QRCode(encoding: "otpauth://totp/SupportDesk%20Portal:jane%40acme.example?secret=6ZRT5QKVHBV5B4ZWUB3PGGUG3ZOK6QXI&issuer=SupportDesk%20Portal")
        #expect((21...177).contains(code.width) && (code.width - 17) % 4 == 0)
        // The top-left finder pattern: a dark 7×7 ring around a light ring around a dark 3×3.
        #expect(code.isDark(x: 0, y: 0) && code.isDark(x: 6, y: 6) && !code.isDark(x: 1, y: 1) && code.isDark(x: 3, y: 3))
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: code.width, y: 0))
    }

    @Test func svgHasAQuietZoneAndNoScript() throws {
        let svg = try QRCode(encoding: "hello").svg(pixelsPerModule: 4, title: "a <b> & \"c\"")
        let side = try QRCode(encoding: "hello").width + 8
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        #expect(!svg.contains("<script"))
    }

    @Test func terminalBlocksDrawTwoRowsALine() throws {
        let code = try QRCode(encoding: "hello")
        let lines = code.terminalBlocks().split(separator: "\n")
        #expect(lines.count == (code.width + 4 + 1) / 2)
        #expect(lines.allSatisfy { $0.count == code.width + 4 })
    }

    @Test func tooLongIsAnError() {
        #expect(throws: QRCode.EncodingError.self) { try QRCode(encoding: String(repeating: "x", count: 8000)) }
    }
}
