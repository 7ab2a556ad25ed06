import Foundation
import Hummingbird
import NIOCore

/// A submitted HTML form (`application/x-www-form-urlencoded`), read with the portal's limits:
/// too large is 413, cut short, not UTF-8 or not a form is 400, before any handler sees it.
struct FormBody: Sendable {
    private let fields: [String: String]

    /// Reads and parses the body of `request`.
    static func read(_ request: Request) async throws -> FormBody {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw PortalPageError.badRequest("Only forms of this portal are accepted here.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: PortalLimits.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw PortalPageError(.contentTooLarge, title: "That form is too large",
                                  message: "The portal accepts forms of up to 16 KiB.")
        } catch {
            throw PortalPageError.badRequest("The form arrived incomplete. Please send it again.")
        }
        return try FormBody(bytes: Array(buffer.readableBytesView))
    }

    /// Parses `name=value&…` with percent-decoding and `+` as space; a name given twice keeps
    /// its first value.
    init(bytes: [UInt8]) throws {
        var fields: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : []) else {
                throw PortalPageError.badRequest("The form holds text that is not valid UTF-8.")
            }
            if fields[name] == nil { fields[name] = value }
        }
        self.fields = fields
    }

    /// A field's value, or nil when it is absent.
    subscript(_ name: String) -> String? { fields[name] }

    /// A field that must be there (400 otherwise), trimmed of surrounding white space.
    func required(_ name: String, label: String) throws -> String {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw PortalPageError.badRequest("The form is missing the \(label).")
        }
        return value
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value == 0 }) else {
            return nil
        }
        return text
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
