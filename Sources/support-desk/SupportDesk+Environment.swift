/// Choices the console takes from the environment, as psql does: where history goes, which
/// pager, and the progress line of a long script.
extension SupportDesk {
    /// `SUPPORT_DESK_HISTORY` (empty: none), else `~/.support_desk_history`.
    static func historyPath(_ environment: [String: String]) -> String? {
        if let path = environment["SUPPORT_DESK_HISTORY"] { return path.isEmpty ? nil : path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.support_desk_history"
    }

    /// `$PAGER` (empty: none), else `less` when installed.
    static func pager(_ environment: [String: String]) -> String? {
        if let pager = environment["PAGER"] { return pager.isEmpty ? nil : pager }
        return Platform.isExecutable("/usr/bin/less") ? "less" : nil
    }

    /// A line count on stderr every thousand commands, overwriting itself.
    static func progress(_ line: Int) {
        if line % 1000 == 0 { Platform.printProgress("\r\(line) commands…") }
    }
}
