import CLibQREncode

/// A QR code made by libqrencode, drawn as SVG for the web and as block characters for a
/// terminal. We never encode QR symbols ourselves: libqrencode is the well-tried encoder.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (without the quiet zone).
    public let width: Int
    /// Row-major dark modules, `width * width` of them.
    public let modules: [Bool]

    /// Why a text could not be encoded.
    public enum EncodingError: Error, Equatable, CustomStringConvertible {
        /// libqrencode refused the text (too long for a QR code, or out of memory).
        case tooLong(bytes: Int)

        public var description: String {
            switch self {
            case .tooLong(let bytes): return "\(bytes) bytes do not fit in a QR code"
            }
        }
    }

    /// Encodes `text` as 8-bit data at error-correction level M (about 15% may be damaged and
    /// still read, which is what authenticator apps expect), in the smallest version that fits.
    public init(encoding text: String) throws(EncodingError) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw .tooLong(bytes: text.utf8.count)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour (1 is dark); the other bits describe it.
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        self.width = width
        self.modules = data.map { $0 & 1 == 1 }
    }

    /// Whether the module at (x, y) is dark; outside the symbol (the quiet zone) it is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<width).contains(x), (0..<width).contains(y) else { return false }
        return modules[y * width + x]
    }

    /// The code as an SVG image: one path of unit squares, a 4-module quiet zone (the
    /// standard's minimum, which camera apps need), crisp edges, and `pixelsPerModule` scaling.
    public func svg(pixelsPerModule: Int = 6, title: String = "QR code") -> String {
        let quiet = 4, side = width + 2 * quiet
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let size = side * pixelsPerModule
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(Self.escape(title))" \
            width="\(size)" height="\(size)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <title>\(Self.escape(title))</title><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }

    /// The code in half-block characters, two rows of modules per line, with a quiet zone, so
    /// it can be scanned from a terminal (dark modules are drawn as spaces on a light field).
    public func terminalBlocks() -> String {
        let quiet = 2
        var lines: [String] = []
        for y in stride(from: -quiet, to: width + quiet, by: 2) {
            var line = ""
            for x in -quiet..<(width + quiet) {
                switch (isDark(x: x, y: y), isDark(x: x, y: y + 1)) {
                case (false, false): line += "█"
                case (true, false): line += "▄"
                case (false, true): line += "▀"
                case (true, true): line += " "
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
