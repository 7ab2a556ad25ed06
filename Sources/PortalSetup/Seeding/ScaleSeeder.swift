public import PortalCore
import DeskDatabase
import Foundation
public import PGClient
import TOTPCore

/// Loads large synthetic data through COPY, for load tests and benchmarks: N customers with M
/// members each, a fifth of them enrolled (ten recovery codes each), every tenth customer with
/// mandatory 2FA. Runs as the schema owner or a superuser, in one transaction: all or nothing.
///
/// A load bigger than the data already there sets the secondary indexes aside and rebuilds
/// them at the end (other sessions wait for the transaction). Every member gets the same
/// password hash (one scrypt per run, not a million); enrolment events are not written to the
/// audit log, which stays a record of real actions.
public struct ScaleSeeder {
    /// How much to load.
    public struct Plan: Sendable {
        public var customers: Int
        public var membersPerCustomer: Int
        /// Seed for the names; the same seed gives the same people.
        public var seed: UInt64 = 1
        /// Members enrolled, per thousand.
        public var enrolledPerMille = 200
        /// Every n-th customer enforces 2FA.
        public var mandatoryEvery = 10

        /// A plan for `customers` × `membersPerCustomer`.
        public init(customers: Int, membersPerCustomer: Int) {
            self.customers = customers
            self.membersPerCustomer = membersPerCustomer
        }

        public var members: Int { customers * membersPerCustomer }
    }

    /// What was loaded.
    public struct Summary: Sendable, Equatable {
        public let customers: Int
        public let members: Int
        public let enrolled: Int
        public let recoveryCodes: Int
        public let mandatoryCustomers: Int
        /// The shared password of every seeded member.
        public let password: String
    }

    public static let password = "scale-test-password"

    static let loadedTables = ["portal.customers", "portal.team_members", "portal.totp_credentials", "portal.recovery_codes"]

    let connection: PGConnection
    let secrets: SecretBox

    /// A seeder writing through `connection` (owner or superuser) and sealing with `secrets`.
    public init(connection: PGConnection, secrets: SecretBox) {
        self.connection = connection
        self.secrets = secrets
    }

    /// Loads the plan; `progress(done, total)` is called as members stream in, `indexing` when
    /// the load is done and indexes are being built.
    public func load(_ plan: Plan, progress: (Int, Int) -> Void = { _, _ in }, indexing: () -> Void = {}) throws -> Summary {
        guard plan.customers >= 1, plan.membersPerCustomer >= 1, plan.members <= 50_000_000 else {
            throw PortalRefusal(code: .invalidInput, message: "seed between 1 and 50,000,000 members, at least one customer")
        }
        let hash = try PasswordHash.make(password: Self.password)
        return try connection.transaction { connection in
            try connection.query("LOCK TABLE portal.customers, portal.team_members, portal.totp_credentials, portal.recovery_codes IN EXCLUSIVE MODE")
            let firstCustomer = try nextID(connection, "portal.customers")
            let firstMember = try nextID(connection, "portal.team_members")
            // A load larger than what is there is faster with the indexes built afterwards.
            try connection.query("SET LOCAL maintenance_work_mem = '256MB'")
            let deferred = plan.members >= Int(firstMember) && plan.members >= 10_000
                ? try DeferredIndexes.drop(on: Self.loadedTables, connection) : DeferredIndexes(definitions: [])
            var random = SeededGenerator(seed: plan.seed)

            var domains: [String] = []
            domains.reserveCapacity(plan.customers)
            try connection.copyFromStdin("COPY portal.customers (id, account_number, name) FROM STDIN") { writer in
                for index in 0..<plan.customers {
                    let id = firstCustomer + Int64(index)
                    let name = SampleNames.companyName(&random)
                    domains.append(SampleNames.slug(name, separator: "-") + "-\(id).example")
                    let digits = String(id)
                    try writer.append([String(id), "SC-" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits, name])
                }
            }
            var enrolled: [Int64] = []
            var slugs = SlugCache()
            try connection.copyFromStdin(
                "COPY portal.team_members (id, customer_id, email, name, phone, role, password_hash) FROM STDIN"
            ) { writer in
                for index in 0..<plan.members {
                    let customer = index / plan.membersPerCustomer
                    let id = firstMember + Int64(index)
                    let name = SampleNames.personName(&random)
                    let email = "\(slugs.slug(name)).\(id)@\(domains[customer])"
                    let role = index % plan.membersPerCustomer == 0 ? "administrator" : "member"
                    let phone = random.next() % 4 == 0 ? nil : SampleNames.phone(&random)
                    try writer.append([String(id), String(firstCustomer + Int64(customer)), email, name, phone, role, hash.encoded])
                    if random.next() % 1000 < UInt64(plan.enrolledPerMille) { enrolled.append(id) }
                    if index % 10_000 == 0 { progress(index, plan.members) }
                }
            }
            progress(plan.members, plan.members)
            let codes = try loadEnrolments(connection, enrolled)
            indexing()
            try deferred.rebuild(connection)
            // Each customer's first member (its administrator) has a known id in this load.
            let mandatory = try connection.query("""
                UPDATE portal.customers c
                   SET mandatory_2fa = true, mandatory_2fa_since = clock_timestamp(),
                       mandatory_2fa_by = $4::bigint + (c.id - $1::bigint) * $5::int
                 WHERE c.id BETWEEN $1::bigint AND $2::bigint AND c.id % $3::int = 0
                """, [firstCustomer, firstCustomer + Int64(plan.customers) - 1, plan.mandatoryEvery,
                      firstMember, plan.membersPerCustomer]).affectedRows ?? 0
            for table in ["portal.customers", "portal.team_members"] {
                try connection.query("SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM \(table)))", [table])
            }
            return Summary(customers: plan.customers, members: plan.members, enrolled: enrolled.count,
                           recoveryCodes: codes, mandatoryCustomers: mandatory, password: Self.password)
        }
    }

    private func nextID(_ connection: PGConnection, _ table: String) throws -> Int64 {
        // Table names here are constants of this file, never input.
        try connection.query("SELECT coalesce(max(id), 0) + 1 FROM \(table)").single().decode(Int64.self, at: 0)
    }
}
