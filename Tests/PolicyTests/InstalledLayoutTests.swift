import Foundation
import ProcessTesting
import Testing
import TestSupport

/// `portal migrate` as the Docker image runs it: the executable found through PATH, the
/// migrations installed beside it in `../share/supportdesk/migrations`, far from the source tree.
@Suite struct InstalledLayoutTests {
    @Test func portalStartedThroughPathFindsTheInstalledMigrations() throws {
        try withTestDatabase { database in
            let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("sd-prefix-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: prefix) }
            let bin = prefix.appendingPathComponent("bin"), share = prefix.appendingPathComponent("share/supportdesk/migrations")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: share.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: BuiltProduct.path("portal"), toPath: bin.appendingPathComponent("portal").path)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("portal").path)
            // The source tree's migrations, found from this test file's place in it.
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql/migrations").standardizedFileURL
            try FileManager.default.copyItem(at: source, to: share)

            // Through a shell, as a container's entrypoint would: argv[0] is just "portal". A
            // program other tests spawn at this moment may still hold the fresh copy open for a
            // moment (exec then fails with ETXTBSY, status 126): try again briefly.
            let migrate = {
                try ProcessRunner.run("/bin/sh", ["-c", #"cd / && exec portal migrate --db "$1""#, "sh", database.uri()], environment: [
                    "PATH": bin.path + ":/usr/bin:/bin", "DATABASE_URL": "", "SUPPORTDESK_MIGRATIONS": "",
                ])
            }
            var output = try migrate()
            for _ in 0..<50 where output.status == 126 {
                Thread.sleep(forTimeInterval: 0.1)
                output = try migrate()
            }
            #expect(output.status == 0, "\(output.status): \(output.standardError)")
            #expect(output.standardOutput.contains("applied 0001_roles_and_schemas.sql"), "\(output.standardOutput)")
        }
    }
}
