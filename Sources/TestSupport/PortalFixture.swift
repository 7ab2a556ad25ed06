import Foundation
public import PGClient
public import DeskDatabase
public import PortalCore
import PortalSetup
public import SupportClient
public import TOTPCore

extension DatabaseTemplate {
    /// A database with every migration of `sql/migrations` applied, built once per test process.
    public static let migrated = DatabaseTemplate(databaseName: "sd_template_migrated") { connection in
        let migrations = try MigrationSource.load(folder: ClusterScript.repositoryRoot + "/sql/migrations")
        _ = try MigrationRunner(migrations: migrations).migrate(connection)
    }
}

/// A member enrolled by the fixture, with what only the member would know.
public struct EnrolledMember: Sendable {
    public let memberID: Int64
    public let email: String
    /// The TOTP generator of the member's authenticator app.
    public let totp: TOTP
    /// The recovery codes handed out at enrolment.
    public let recoveryCodes: [RecoveryCode]
}

/// Builds portal data and agent roles in a migrated test database, through the same API the
/// portal uses, so tests start from states the real system can reach.
public struct PortalFixture {
    /// The database (cloned from `.migrated`).
    public let database: TestDatabase
    /// A superuser connection acting as the portal.
    public let connection: PGConnection
    /// The portal's API, with a key made for this process.
    public let portal: PortalAPI

    /// The key every fixture seals secrets with.
    public static let secrets = SecretBox(keyBytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
    /// The password every fixture member has.
    public static let password = "correct horse battery"
    /// Its hash at scrypt's lowest accepted cost, made once: test members need not be expensive.
    public static let passwordHash: PasswordHash = {
        do { return try PasswordHash.make(password: password, logN: 10) } catch { fatalError("scrypt failed: \(error)") }
    }()

    /// Opens the fixture on a migrated database; close `connection` when done (or let the
    /// database be dropped).
    public init(_ database: TestDatabase) throws {
        self.database = database
        connection = try database.connect()
        portal = PortalAPI(connection: connection, secrets: Self.secrets)
    }

    /// A customer; returns its account number.
    @discardableResult
    public func customer(_ account: String = "MS-10442", name: String = "Acme Hosting Ltd") throws -> String {
        try portal.createCustomer(account: account, name: name)
        return account
    }

    /// A team member without 2FA; returns the member id.
    @discardableResult
    public func member(_ email: String, account: String = "MS-10442", name: String = "Jane Doe",
                       role: MemberRole = .member, phone: String? = nil) throws -> Int64 {
        try portal.addMember(account: account, email: email, name: name, role: role, phone: phone,
                             passwordHash: Self.passwordHash)
    }

    /// A team member with active 2FA, enrolled through the portal's own steps.
    public func enrolledMember(_ email: String, account: String = "MS-10442", name: String = "Jane Doe",
                               role: MemberRole = .member, phone: String? = nil) throws -> EnrolledMember {
        let id = try member(email, account: account, name: name, role: role, phone: phone)
        let uri = try portal.beginEnrolment(email: email)
        guard let totp = uri.makeTOTP() else { fatalError("the portal made a URI without a TOTP") }
        let codes = try portal.confirmEnrolment(email: email, code: try totp.code(clock: SystemOTPClock()))
        return EnrolledMember(memberID: id, email: email, totp: totp, recoveryCodes: codes)
    }

    /// Sets whose disable needs the emailed second-channel code too. Tests of other rules that
    /// disable an administrator set `.nobody`, where a disable is exactly as before.
    public func setSecondChannel(_ policy: SecondChannelPolicy) throws {
        try connection.query("UPDATE portal.settings SET second_channel_for = $1", [policy.rawValue])
    }

    /// Sets which disables wait for a second approver (`approval_required_for`): tests of an
    /// override taking effect at once say `.nobody`, as a deployment without dual control would.
    public func setApprovalPolicy(_ policy: ApprovalPolicy) throws {
        try connection.query("UPDATE portal.settings SET approval_required_for = $1", [policy.rawValue])
    }

    /// Chains every committed staged audit event, as the running `portal chain` would.
    @discardableResult
    public func chainAuditEvents() throws -> Int {
        try AuditChainer(connection: connection).chainPending()
    }

    /// Creates an agent role with a name unique in the cluster and connects as it.
    public func agent(_ base: String = "agent", supervisor: Bool = false) throws -> SupportAPI {
        let name = "\(base)_\(UUID().uuidString.prefix(8).lowercased())"
        try portal.createAgent(name: name, supervisor: supervisor)
        return SupportAPI(connection: try database.connect(user: name))
    }

    /// Creates an agent role (unique in the cluster) and returns its name, for tests that run
    /// the console as that agent rather than calling the API.
    public func agentRole(_ base: String = "agent", supervisor: Bool = false) throws -> String {
        let api = try agent(base, supervisor: supervisor)
        defer { api.connection.close() }
        return try api.whoami().agent
    }

    /// Runs `body` on `count` threads at once, each with its own connection as `role`: many
    /// terminals of one agent racing each other.
    public func concurrently<T: Sendable>(
        _ count: Int, as role: String, _ body: @escaping @Sendable (SupportAPI) throws -> T
    ) -> [Result<T, any Error>] {
        let uri = database.uri(user: role)
        return TestSupport.concurrently(count) { _ in
            let connection = try PGConnection(uri)
            defer { connection.close() }
            return try body(SupportAPI(connection: connection))
        }
    }

    /// Another connection as an existing role (a second terminal of the same agent).
    public func connect(as role: String) throws -> SupportAPI {
        SupportAPI(connection: try database.connect(user: role))
    }
}

/// Runs `body` with a fixture on a fresh migrated database.
public func withPortalFixture<T>(_ body: (PortalFixture) throws -> T) throws -> T {
    try withTestDatabase(.migrated) { database in
        let fixture = try PortalFixture(database)
        defer { fixture.connection.close() }
        return try body(fixture)
    }
}
