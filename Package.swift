// swift-tools-version:6.2
// SupportDesk: a support console that disables TOTP 2FA safely, and the portal side it serves.
import PackageDescription

/// Every target of ours builds in Swift 6 mode with strict concurrency and no warnings. Imports
/// are internal unless marked `public import`, so a module's public face shows what it leaks,
/// and a file sees only the members of modules it imports itself (as hummingbird builds).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let propertyBased = Target.Dependency.product(name: "PropertyBased", package: "swift-property-based")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "SupportDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "support-desk", targets: ["support-desk"]),
        .executable(name: "portal", targets: ["portal"]),
        .library(name: "TOTPCore", targets: ["TOTPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Property-based tests (tests only): random inputs for every parser, shrunk on failure.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The one implementation of HOTP/TOTP, Base32, otpauth:// URIs and recovery codes. No I/O.
        .target(name: "TOTPCore", dependencies: [crypto], swiftSettings: strict),

        // C enters only here, and only PGClient and the console's executable wrap it.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"]), .brew(["libedit"])]),
        .target(name: "PGClient", dependencies: ["CLibPQ"], swiftSettings: strict),
        // QR codes come from libqrencode; one small Swift type draws them (SVG, terminal blocks).
        .systemLibrary(name: "CLibQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"]), .brew(["qrencode"])]),
        .target(name: "QRCode", dependencies: ["CLibQREncode"], swiftSettings: strict),

        // What every program shares about the database: where it is, who is connected, and the
        // policy's refusals (the DK codes) as one error contract.
        .target(name: "DeskDatabase", dependencies: ["PGClient"], swiftSettings: strict),
        // The agents' client: typed calls of the `support` functions and the audit-chain
        // verifier. What the console links, and no more (no secret box, no password hashing).
        .target(name: "SupportClient", dependencies: ["DeskDatabase", "PGClient", "TOTPCore", crypto], swiftSettings: strict),
        // The portal's core: typed calls of `portal_api`, password hashing, the secret box, and
        // the trusted background work (the audit chainer).
        .target(
            name: "PortalCore",
            dependencies: ["DeskDatabase", "PGClient", "TOTPCore", crypto,
                           .product(name: "CryptoExtras", package: "swift-crypto")],
            swiftSettings: strict),
        // Migrations and demo/scale data: stand apart, used by `portal` and the tests.
        .target(name: "PortalSetup", dependencies: ["DeskDatabase", "PGClient", "PortalCore", "TOTPCore", crypto], swiftSettings: strict),

        // What both executables share on the command line: exit statuses, hidden typing, the
        // JSON error shape, and signing in with a password asked on the terminal (`-w`).
        .target(name: "CommandLineSupport", dependencies: ["PGClient", argumentParser], swiftSettings: strict),
        // The portal on the web: Hummingbird routes and mustache pages over the same portal_api
        // calls as the command, on a bounded pool of libpq connections kept off the event loop.
        .target(
            name: "WebPortal",
            dependencies: ["DeskDatabase", "PGClient", "PortalCore", "QRCode", "TOTPCore", crypto,
                           hummingbird, mustache, serviceLifecycle, logging, nioCore, nioPosix,
                           .product(name: "UnixSignals", package: "swift-service-lifecycle")],
            resources: [.copy("Templates")],
            swiftSettings: strict),

        // The console engine, on abstract input and output.
        .target(name: "DeskConsole", dependencies: ["DeskDatabase", "PGClient", "SupportClient", "TOTPCore"], swiftSettings: strict),
        .executableTarget(
            name: "support-desk",
            dependencies: ["CommandLineSupport", "DeskConsole", "DeskDatabase", "PGClient", "CLibEdit", argumentParser],
            swiftSettings: strict),
        .executableTarget(
            name: "portal",
            dependencies: ["CommandLineSupport", "DeskDatabase", "PGClient", "PortalCore", "PortalSetup", "QRCode", "TOTPCore", "WebPortal",
                           argumentParser, logging],
            swiftSettings: strict),

        // Test helpers: running programs (no libpq, so TOTPCore's tests need none), and the
        // PostgreSQL fixture.
        .target(name: "ProcessTesting", swiftSettings: strict),
        // Generators, a corpus and random command lines for property tests and fuzzing (no libpq).
        .target(name: "FuzzTesting", dependencies: [propertyBased], swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: ["DeskDatabase", "PGClient", "PortalCore", "PortalSetup", "SupportClient", "TOTPCore", "ProcessTesting"],
            swiftSettings: strict),
        .testTarget(name: "TOTPCoreTests", dependencies: ["TOTPCore", "ProcessTesting", "FuzzTesting", propertyBased], swiftSettings: strict),
        .testTarget(name: "PGClientTests", dependencies: ["PGClient", "TestSupport", "ProcessTesting", "FuzzTesting", propertyBased], swiftSettings: strict),
        .testTarget(
            name: "PolicyTests",
            dependencies: ["DeskDatabase", "SupportClient", "PortalCore", "PortalSetup", "TOTPCore", "PGClient",
                           "TestSupport", "ProcessTesting", "FuzzTesting", propertyBased],
            swiftSettings: strict),
        .testTarget(
            name: "DeskConsoleTests",
            dependencies: ["DeskConsole", "DeskDatabase", "SupportClient", "PortalCore", "PortalSetup", "PGClient",
                           "TOTPCore", "TestSupport", "ProcessTesting", "FuzzTesting", propertyBased],
            exclude: ["Transcripts"],
            swiftSettings: strict),
        // The web portal's routes against the real PostgreSQL fixture; the browser tests
        // (Playwright driving Debian's Chromium) live in Tests/Browser and run from here too.
        .testTarget(
            name: "WebPortalTests",
            dependencies: ["WebPortal", "QRCode", "DeskDatabase", "PortalCore", "PGClient", "SupportClient", "TOTPCore",
                           "TestSupport", "ProcessTesting", hummingbird,
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strict),
    ]
)
