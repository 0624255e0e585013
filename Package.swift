// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "StreamReplay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stream-replay", targets: ["stream-replay"]),
        .library(name: "StreamReplaySSE", targets: ["StreamReplaySSE"]),
        .library(name: "StreamReplayEngine", targets: ["StreamReplayEngine"]),
        .library(name: "StreamReplayScenario", targets: ["StreamReplayScenario"]),
        .library(name: "StreamReplayFakeLLM", targets: ["StreamReplayFakeLLM"]),
        .library(name: "StreamReplayTesting", targets: ["StreamReplayTesting"]),
    ],
    dependencies: [
        // YAML: Yams composes a node tree whose every node carries its line and column.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The CLI's parsing, help and "did you mean".
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The fake server: one flushed write per piece, clean close or reset mid-stream.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // TLS for the engine's own HTTP/1.1 client on SwiftNIO (live endpoints, proxy tunnels).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The recording proxy's and the probe's upstream client.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // gzip/deflate decoding of answers a proxy compressed (NIOHTTPCompression).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Logging API; only the CLI bootstraps a backend.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The engine's event store on the system SQLite.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // OrderedDictionary for tool-call slots in first-seen order.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // Engine adapters: a child process in its own process group, its pipes read and written
        // asynchronously, torn down (SIGTERM, then SIGKILL) when its scenario is cancelled.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // FilePath, for the test support's children (swift-subprocess names programs by it).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .target(
            name: "StreamReplaySSE",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "StreamReplayEngine",
            dependencies: [
                "StreamReplaySSE",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "StreamReplayScenario",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "StreamReplayFakeLLM",
            dependencies: [
                "StreamReplayScenario",
                "StreamReplaySSE",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StreamReplayRunner",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "StreamReplayEngine",
                "StreamReplayFakeLLM",
                "StreamReplayScenario",
                "StreamReplaySSE",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // Scenario folders as Swift Testing cases against a Swift engine, in process.
        .target(
            name: "StreamReplayTesting",
            dependencies: ["StreamReplayEngine", "StreamReplayRunner", "StreamReplayScenario"]
        ),
        // Real traffic into scenarios: the recording proxy, import of captures, the provider
        // probe. Built on the runner (the probe and `import --snapshot` run scenarios).
        .target(
            name: "StreamReplayCapture",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "StreamReplayEngine",
                "StreamReplayFakeLLM",
                "StreamReplayRunner",
                "StreamReplayScenario",
                "StreamReplaySSE",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "stream-replay",
            dependencies: [
                "StreamReplayRunner",
                "StreamReplayCapture",
                "StreamReplayFakeLLM",
                "StreamReplayScenario",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test helpers shared by the test targets; not a product.
        .target(
            name: "StreamReplayTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "StreamReplaySSETests",
            dependencies: [
                "StreamReplaySSE", "StreamReplayTestSupport", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StreamReplayEngineTests",
            dependencies: [
                "StreamReplayEngine",
                "StreamReplayTestSupport",
                // Test-only: end-to-end tests run the engine against the fake over real HTTP.
                "StreamReplayFakeLLM",
                "StreamReplayScenario",
                .product(name: "OrderedCollections", package: "swift-collections"),
                // Test-only: the transport tests' servers and the handler in an EmbeddedChannel.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StreamReplayScenarioTests",
            dependencies: [
                "StreamReplayScenario",
                // Test-only: the alias-budget tests compose YAML themselves to count its nodes.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "StreamReplayFakeLLMTests",
            dependencies: [
                "StreamReplayFakeLLM",
                "StreamReplayScenario",
                "StreamReplaySSE",
                "StreamReplayTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StreamReplayRunnerTests",
            dependencies: [
                "StreamReplayRunner", "StreamReplayCapture", "StreamReplayScenario", "StreamReplayEngine",
                "StreamReplayFakeLLM",
                "StreamReplayTestSupport",
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "StreamReplayTestingTests",
            dependencies: ["StreamReplayTesting", "StreamReplayEngine", "StreamReplayTestSupport"]
        ),
        .testTarget(
            name: "StreamReplayCLITests",
            dependencies: [
                "stream-replay", "StreamReplayFakeLLM", "StreamReplayScenario", "StreamReplayTestSupport",
                "StreamReplayRunner", "StreamReplayEngine",
            ],
            exclude: ["Snapshots"]
        ),
    ]
)

// Standard settings for every target.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
        .enableUpcomingFeature("ExistentialAny"),
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
        .enableUpcomingFeature("MemberImportVisibility"),
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0409-access-level-on-imports.md
        .enableUpcomingFeature("InternalImportsByDefault"),
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0480-warning-control.md
        .treatAllWarnings(as: .error),
    ])
    target.swiftSettings = settings
}
