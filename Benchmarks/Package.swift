// swift-tools-version: 6.2
// StreamReplay's benchmarks: a plain release executable, in its own package so that `swift test`
// and CI never build it. Run from the repository root:
//
//     swift run -c release --package-path Benchmarks stream-replay-bench [--quick]
import PackageDescription

let package = Package(
    name: "StreamReplayBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "StreamReplay", path: ".."),
        // Also in the root's graph (the engine's client); here the fake-server load generator.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "stream-replay-bench",
            dependencies: [
                .product(name: "StreamReplaySSE", package: "StreamReplay"),
                .product(name: "StreamReplayEngine", package: "StreamReplay"),
                .product(name: "StreamReplayFakeLLM", package: "StreamReplay"),
                .product(name: "StreamReplayScenario", package: "StreamReplay"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        )
    ]
)
