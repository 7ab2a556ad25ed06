import Crypto
public import Foundation

/// An Ed25519 key that signs anchors, kept by a supervisor outside the database: whoever can
/// write the database can recompute the whole chain, but cannot sign its new head without this
/// key. Stored as one line, `supportdesk-signing-key v1 BASE64` (the 32-byte private key), in a
/// file only its owner may read.
public struct AnchorSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// The first word of a signing key file.
    public static let tag = "supportdesk-signing-key"

    /// A new key from the system's random source.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// Reads the file's text form.
    public init(text: String) throws(AnchorSignatureProblem) {
        guard let raw = AnchorText.field(text, tag: Self.tag, length: 32),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw .unreadableKey("not a signing key (expected: \(Self.tag) v1 BASE64)")
        }
        self.key = key
    }

    /// The text to save: one line.
    public var text: String { "\(Self.tag) v1 \(key.rawRepresentation.base64EncodedString())\n" }

    /// The public half, to give to whoever verifies.
    public var publicKey: AnchorPublicKey { AnchorPublicKey(key: key.publicKey) }

    /// Signs an anchor's line.
    public func sign(_ anchor: AuditAnchor) throws -> SignedAuditAnchor {
        let signature = try key.signature(for: Data(anchor.description.utf8))
        return SignedAuditAnchor(anchor: anchor, signature: AnchorSignature(publicKey: publicKey, bytes: signature))
    }
}

/// The key that checks signed anchors: `supportdesk-public-key v1 BASE64` (32 bytes).
public struct AnchorPublicKey: Sendable, Equatable {
    let key: Curve25519.Signing.PublicKey

    /// The first word of a public key file.
    public static let tag = "supportdesk-public-key"

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    /// Reads a public key file, or derives the key from a signing key file (either may be
    /// named with `--public-key`).
    public init(text: String) throws(AnchorSignatureProblem) {
        if let raw = AnchorText.field(text, tag: Self.tag, length: 32),
           let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) {
            self.key = key
            return
        }
        if AnchorText.field(text, tag: AnchorSigningKey.tag, length: 32) != nil {
            self = try AnchorSigningKey(text: text).publicKey
            return
        }
        throw .unreadableKey("not a public key (expected: \(Self.tag) v1 BASE64)")
    }

    /// The text to save: one line.
    public var text: String { "\(Self.tag) v1 \(base64)\n" }

    /// The 32 bytes as base64.
    public var base64: String { key.rawRepresentation.base64EncodedString() }

    public static func == (lhs: AnchorPublicKey, rhs: AnchorPublicKey) -> Bool {
        lhs.key.rawRepresentation == rhs.key.rawRepresentation
    }
}

/// A signature of one anchor line, with the key that made it.
public struct AnchorSignature: Sendable, Equatable {
    public let publicKey: AnchorPublicKey
    public let bytes: Data
}

/// An anchor and, when signed, its signature line:
///
///     supportdesk-anchor v1 SEQ HASH
///     supportdesk-anchor-signature v1 ed25519 PUBLIC_KEY_BASE64 SIGNATURE_BASE64
///
/// The signature covers the first line's UTF-8 bytes exactly (no line break).
public struct SignedAuditAnchor: Sendable, Equatable, CustomStringConvertible {
    public let anchor: AuditAnchor
    public let signature: AnchorSignature?

    /// The first word of a signature line.
    public static let signatureTag = "supportdesk-anchor-signature"

    public init(anchor: AuditAnchor, signature: AnchorSignature?) {
        self.anchor = anchor
        self.signature = signature
    }

    /// Reads an anchor file: the anchor line, then optionally its signature line (blank lines
    /// around them ignored; anything else refused).
    public init(text: String) throws(AnchorSignatureProblem) {
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        guard let first = lines.first, lines.count <= 2 else { throw .unreadableAnchor }
        do {
            anchor = try AuditAnchor(text: String(first))
        } catch {
            throw .unreadableAnchor
        }
        guard lines.count == 2 else {
            signature = nil
            return
        }
        let words = lines[1].split(whereSeparator: \.isWhitespace)
        guard words.count == 5, words[0] == Self.signatureTag, words[1] == "v1", words[2] == "ed25519",
              let key = Data(base64Encoded: String(words[3])), key.count == 32,
              let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
              let bytes = Data(base64Encoded: String(words[4])), bytes.count == 64 else {
            throw .unreadableSignature
        }
        signature = AnchorSignature(publicKey: AnchorPublicKey(key: publicKey), bytes: bytes)
    }

    /// The text to save: the anchor line, and the signature line when signed.
    public var description: String {
        guard let signature else { return anchor.description }
        return "\(anchor.description)\n\(Self.signatureTag) v1 ed25519 \(signature.publicKey.base64) \(signature.bytes.base64EncodedString())"
    }

    /// Checks the signature. With `trusted`, the anchor must be signed by exactly that key: the
    /// check that stops a forger who can write the database (and so make an anchor and a key of
    /// their own). Without it, a signature present is checked against the key it names, which
    /// only shows the file is intact. Returns the key that signed, or nil for an unsigned anchor.
    @discardableResult
    public func checkSignature(trusting trusted: AnchorPublicKey?) throws(AnchorSignatureProblem) -> AnchorPublicKey? {
        guard let signature else {
            if trusted != nil { throw .unsigned }
            return nil
        }
        if let trusted, trusted != signature.publicKey { throw .wrongKey }
        guard signature.publicKey.key.isValidSignature(signature.bytes, for: Data(anchor.description.utf8)) else {
            throw .badSignature
        }
        return signature.publicKey
    }
}

/// Why a signed anchor or a key is not accepted.
public enum AnchorSignatureProblem: Error, Equatable, CustomStringConvertible {
    /// The file is not an anchor (or holds more than an anchor and its signature).
    case unreadableAnchor
    /// The second line is not a signature line.
    case unreadableSignature
    /// A key file that cannot be read as one.
    case unreadableKey(String)
    /// A public key was given, and the anchor is not signed.
    case unsigned
    /// The anchor is signed by another key than the one given.
    case wrongKey
    /// The signature does not match the anchor line: it was altered or forged.
    case badSignature

    public var description: String {
        switch self {
        case .unreadableAnchor: return "not an anchor (expected: supportdesk-anchor v1 SEQ HASH), and if signed its signature on the next line"
        case .unreadableSignature: return "the anchor's second line is not a signature (expected: \(SignedAuditAnchor.signatureTag) v1 ed25519 KEY SIGNATURE)"
        case .unreadableKey(let why): return why
        case .unsigned: return "the anchor is not signed, and a public key was given: an unsigned anchor could have been written by anyone"
        case .wrongKey: return "the anchor is signed by another key than the public key given: it was not made by the key's holder"
        case .badSignature: return "the anchor's signature does not match it: the anchor was altered or forged"
        }
    }
}

/// Reading the one-line key formats.
enum AnchorText {
    /// The bytes of `TAG v1 BASE64` when the text is exactly that (blank space around it
    /// ignored) and they are `length` long.
    static func field(_ text: String, tag: String, length: Int) -> Data? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 3, words[0] == tag, words[1] == "v1",
              let bytes = Data(base64Encoded: String(words[2])), bytes.count == length else { return nil }
        return bytes
    }
}
