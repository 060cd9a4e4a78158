// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "maillage",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "maillage", targets: ["maillage"]),
        .library(name: "MaillageCore", targets: ["MaillageCore"]),
        .library(name: "MaillageApp", targets: ["MaillageApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.0"),
    ],
    targets: [
        .target(name: "MaillageCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "MaillageApp",
            dependencies: [
                "MaillageCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            resources: [.embedInCode("Resources/openapi.yaml"), .embedInCode("Resources/till.js"), .embedInCode("Resources/print.js"), .embedInCode("Resources/till-sw.js")]
        ),
        .executableTarget(
            name: "maillage",
            dependencies: ["MaillageApp", .product(name: "Vapor", package: "vapor")]
        ),
        .testTarget(name: "MaillageCoreTests", dependencies: ["MaillageCore"]),
        .testTarget(
            name: "MaillageAppTests",
            dependencies: [
                "MaillageApp",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
