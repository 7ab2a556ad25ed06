import TOTPCore
import PortalCore
import DeskDatabase
public import Foundation

/// Where the migrations are read from: a folder of `NNNN_name.sql` files.
public enum MigrationSource {
    /// Reads every migration in `folder`, in version order, refusing anything ambiguous.
    public static func load(folder: String) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .folderUnreadable(path: folder)
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let digits = name.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, let version = Int(digits), name.dropFirst(digits.count).first == "_" else {
                throw .badFileName(name)
            }
            guard let data = FileManager.default.contents(atPath: folder + "/" + name),
                  let sql = String(data: data, encoding: .utf8) else {
                throw .folderUnreadable(path: folder + "/" + name)
            }
            if migrations.contains(where: { $0.version == version }) { throw .duplicateVersion(version) }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        guard !migrations.isEmpty else { throw .empty(path: folder) }
        return migrations.sorted { $0.version < $1.version }
    }

    /// The folder to use when none is given: `SUPPORTDESK_MIGRATIONS`, else the installed copy
    /// next to the executable (`../share/supportdesk/migrations`), else `sql/migrations` in the
    /// source tree the executable was built in. The executable is found from the running
    /// process itself (`/proc/self/exe` on Linux), not from `argv[0]`, which is only `portal` when
    /// it was started through PATH.
    public static func defaultFolder(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
    ) -> String {
        if let configured = environment["SUPPORTDESK_MIGRATIONS"], !configured.isEmpty { return configured }
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = directory.appendingPathComponent("../share/supportdesk/migrations").standardizedFileURL.path
        if FileManager.default.fileExists(atPath: installed) { return installed }
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("sql/migrations").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "sql/migrations"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
