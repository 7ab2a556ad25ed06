import Foundation

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal,
/// so logs and pipes get no control characters.
final class ProgressBar {
    private let enabled: Bool
    private var lastDrawn = Date.distantPast
    private let started = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func show(done: Int, total: Int, label: String) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDrawn) > 0.1 else { return }
        lastDrawn = now
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let rate = Double(done) / max(now.timeIntervalSince(started), 0.001)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = String(Int(fraction * 100))
        let line = "\r\(bar) \(String(repeating: " ", count: 3 - percent.count))\(percent)%  \(done)/\(total) \(label)  \(Int(rate))/s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
