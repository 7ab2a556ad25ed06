// swift-tools-version:6.2
// SupportDesk: a support console that disables TOTP 2FA safely, and the portal side it serves.
import PackageDescription

/// Every target of ours builds in Swift 6 mode with strict concurrency and no warnings.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

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
    ],
    targets: [
        .target(
            name: "TOTPCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]),
        .target(
            name: "PGClient",
            dependencies: ["CLibPQ"],
            swiftSettings: strict),
        .target(
            name: "PortalStore",
            dependencies: [
                "PGClient", "TOTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "DeskConsole",
            dependencies: ["PortalStore", "TOTPCore"],
            swiftSettings: strict),
        .executableTarget(
            name: "support-desk",
            dependencies: [
                "DeskConsole", "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "portal",
            dependencies: [
                "PortalStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: [
                "PGClient", "PortalStore", "TOTPCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "TOTPCoreTests",
            dependencies: ["TOTPCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict),
        .testTarget(
            name: "PGClientTests",
            dependencies: ["PGClient", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "PortalStoreTests",
            dependencies: [
                "PortalStore", "TOTPCore", "PGClient", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "DeskConsoleTests",
            dependencies: [
                "DeskConsole", "PortalStore", "PGClient", "TOTPCore", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Transcripts"],
            swiftSettings: strict),
    ]
)
