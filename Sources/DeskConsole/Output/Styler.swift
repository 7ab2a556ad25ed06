/// Colours tones with ANSI SGR codes on a terminal, or leaves text alone (`NO_COLOR`, pipes,
/// scripts). Only text the console wrote itself is coloured; database text is escaped first.
public struct Styler: Sendable {
    /// Whether to emit colour codes.
    public let colour: Bool

    public init(colour: Bool) { self.colour = colour }

    /// `text` in the tone's colour.
    public func apply(_ tone: Tone, _ text: String) -> String {
        guard colour, let code = Self.code(tone) else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    private static func code(_ tone: Tone) -> String? {
        switch tone {
        case .plain: nil
        case .success: "32"
        case .danger: "1;31"
        case .warning: "33"
        case .heading: "1"
        case .muted: "2"
        }
    }
}
