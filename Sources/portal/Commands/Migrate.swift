import ArgumentParser
import DeskDatabase
import PortalCore
import PortalSetup

/// `portal migrate`: brings the schema up to date.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the SQL migrations that are not applied yet (each once, in order).")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "The folder of NNNN_name.sql files (default: SUPPORTDESK_MIGRATIONS, the installed copy, or sql/migrations of the source tree).")
    var migrations: String?

    func run() throws {
        let folder = migrations ?? MigrationSource.defaultFolder()
        try PortalRunner.run(options) { connection in
            let runner = MigrationRunner(migrations: try MigrationSource.load(folder: folder))
            let report = try runner.migrate(connection)
            let names = report.applied.map(\.name)
            let text = names.isEmpty
                ? "schema up to date (\(report.alreadyApplied) migrations applied earlier)"
                : names.map { "applied \($0)" }.joined(separator: "\n")
            return PortalReport(text: text, fields: [
                "applied": names, "already_applied": report.alreadyApplied, "folder": folder,
            ])
        }
    }
}
