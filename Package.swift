// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Kampagne",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kampagne", targets: ["kampagne-cli"]),
        .library(name: "Kampagne", targets: ["Kampagne"]),
        .library(name: "MailTemplates", targets: ["MailTemplates"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .target(
            name: "Kampagne",
            dependencies: [
                "MailTemplates",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "MailTemplates"),
        .executableTarget(
            name: "kampagne-cli",
            dependencies: [
                "Kampagne",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "KampagneTests", dependencies: ["Kampagne"], exclude: ["Fixtures"]),
        .testTarget(name: "MailTemplatesTests", dependencies: ["MailTemplates"]),
    ]
)
