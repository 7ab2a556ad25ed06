import CommandLineSupport
import ArgumentParser
import Foundation
import PGClient
import DeskDatabase
import PortalCore
import PortalSetup
import TOTPCore

/// What a portal subcommand reports: a sentence for people and an object for `--json`.
struct PortalReport {
    /// Lines for people.
    var text: String
    /// Fields for scripts; `ok` is added.
    var fields: [String: any Sendable]
    /// False for outcomes that are refusals (a login that did not sign in): exit 1.
    var succeeded = true
}

/// Runs a subcommand against the database with the portal's exit codes: 0 success, 1 refusal
/// or error (message on stderr), 2 the database cannot be reached.
enum PortalRunner {
    /// Signs in as the console does (a password asked on the terminal when the server wants
    /// one and none was given, never with `-w` or off a terminal), then runs `body`.
    static func run(_ options: DatabaseOptions, _ body: (PGConnection) throws -> PortalReport) throws {
        let connection: PGConnection
        do {
            let signIn = PasswordSignIn.onTerminal(DatabaseAddress.resolve(flag: options.db),
                                                   noPassword: options.signIn.noPassword) { StandardError.write("portal: \($0)") }
            connection = try signIn.open().connection
        } catch {
            fail(options, exit: 2, sqlState: nil,
                 message: "could not connect (\(DatabaseAddress.source(flag: options.db))): \(error.message)")
        }
        defer { connection.close() }
        let report: PortalReport
        do {
            report = try body(connection)
        } catch let error as PGError {
            fail(options, exit: error.isConnectionProblem ? 2 : 1, sqlState: error.sqlState?.rawValue, message: error.message)
        } catch let error as any ReportableError {
            fail(options, exit: 1, sqlState: error.report.sqlState, message: error.report.message)
        } catch let error as ExitCode {
            throw error
        } catch {
            fail(options, exit: 1, sqlState: nil, message: String(describing: error))
        }
        emit(options, report)
        if !report.succeeded { throw ExitCode.failure }
    }

    static func emit(_ options: DatabaseOptions, _ report: PortalReport) {
        if options.json {
            var fields = report.fields
            fields["ok"] = report.succeeded
            print(json(fields))
        } else {
            print(report.text)
        }
    }

    static func fail(_ options: DatabaseOptions, exit status: Int32, sqlState: String?, message: String) -> Never {
        StandardError.write("portal: \(message)")
        if options.json { print(failureJSON(sqlState: sqlState, message: message)) }
        Foundation.exit(status)
    }

    /// The failure object, in the console's error shape: `{"error":{"message":…,"sqlstate":…|null},"ok":false}`.
    static func failureJSON(sqlState: String?, message: String) -> String {
        "{\"error\":" + ErrorReport(sqlState: sqlState, message: message).jsonObject + ",\"ok\":false}"
    }

    /// Whether the command line asks for JSON, read from the raw arguments (for failures before
    /// or outside the parsed options): `--json` anywhere before a `--`.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        arguments.dropFirst().prefix { $0 != "--" }.contains("--json")
    }


    /// One line of JSON with sorted keys; nil values become null.
    static func json(_ object: [String: any Sendable]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The password from stdin (one line), checked against the portal's rules when new.
    static func readPassword(prompt: String = "Password: ") throws -> String {
        guard let password = HiddenTyping.readLine(prompt: prompt), !password.isEmpty else {
            throw ValidationError("the password is read from standard input, one line; none was given")
        }
        return password
    }
}
