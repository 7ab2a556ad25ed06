import Testing
import TestSupport

/// The `support-desk` executable as scripts run it: stdin, exit statuses, stderr.
@Suite struct SupportDeskCommandTests {
    @Test func scriptsThroughStdinSucceed() throws {
        try withTestDatabase { database in
            let output = try BuiltProduct.run("support-desk", ["--db", database.uri()], input: "help\nquit\n")
            #expect(output.status == 0)
            #expect(output.standardOutput.contains("help"))
            #expect(output.standardError.isEmpty)
        }
    }

    @Test func aFailedCommandStopsTheScriptWithStatusThree() throws {
        try withTestDatabase { database in
            let output = try BuiltProduct.run("support-desk", [], input: "help\nnope\nhelp\n", environment: ["DATABASE_URL": database.uri()])
            #expect(output.status == 3)
            #expect(output.standardError == "-:2: error: unknown command 'nope' (type help for the list)\n")
        }
    }

    @Test func noDatabaseExitsTwo() throws {
        let output = try BuiltProduct.run("support-desk", ["--db", "postgresql:///x?host=/nonexistent"])
        #expect(output.status == 2)
        #expect(output.standardError.hasPrefix("support-desk: could not connect (--db): "))
    }

    @Test func badUsageExitsOne() throws {
        let output = try BuiltProduct.run("support-desk", ["--no-such-flag"])
        #expect(output.status == 1)
        #expect(output.standardError.contains("Unknown option '--no-such-flag'"))
    }
}
