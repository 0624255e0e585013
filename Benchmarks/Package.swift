// swift-tools-version: 6.2
// StreamReplay's benchmarks, in a package of their own so that `swift test` and CI never build
// them. The benchmark targets under Benchmarks/ run through ordo-one's package-benchmark; from the
// repository root:
//
//     swift package --package-path Benchmarks benchmark      # the package-benchmark targets
//     Benchmarks/run.sh                                       # everything (see README.md)
import PackageDescription

let package = Package(
    name: "StreamReplayBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "StreamReplay", path: ".."),
        // The benchmark runner: percentiles per metric, and allocation counts (mallocCountTotal)
        // through its malloc interposer, the only malloc backend on Linux with Swift 6.3 (the
        // ARC runtime interposer, its other default trait, is left out).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // Also in package-benchmark's graph: its counters, read around a turn to give allocations
        // per chunk with decimals (the runner's own scaled figures are whole numbers).
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
        // Also in the root's graph (the engine's client); here the fake-server load generator.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // What every benchmark target shares: fixtures, the summary lines, subprocesses, pinning.
        .target(
            name: "StreamReplayBenchmarkSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
                .product(name: "StreamReplayEngine", package: "StreamReplay"),
                .product(name: "StreamReplayFakeLLM", package: "StreamReplay"),
                .product(name: "StreamReplayScenario", package: "StreamReplay"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Benchmarks the loads and ceilings that package-benchmark cannot express well: `serve
        // --loop` under wrk beside a C and a NIO server, curl against the fake, the memory of a
        // turn in fresh processes.
        .executableTarget(
            name: "stream-replay-load",
            dependencies: [
                "StreamReplayBenchmarkSupport",
                .product(name: "StreamReplayEngine", package: "StreamReplay"),
                .product(name: "StreamReplayFakeLLM", package: "StreamReplay"),
                .product(name: "StreamReplayScenario", package: "StreamReplay"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)

// The package-benchmark targets: each lives in Benchmarks/<name>/, where the plugin finds it.
let benchmarks: [(name: String, dependencies: [Target.Dependency])] = [
    (
        "SSEBenchmarks",
        [
            .product(name: "StreamReplaySSE", package: "StreamReplay"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]
    ),
    (
        "EngineBenchmarks",
        [
            .product(name: "StreamReplayEngine", package: "StreamReplay"),
            .product(name: "StreamReplayFakeLLM", package: "StreamReplay"),
            .product(name: "StreamReplayScenario", package: "StreamReplay"),
        ]
    ),
    (
        "PreRenderedBenchmarks",
        [.product(name: "StreamReplayEngine", package: "StreamReplay")]
    ),
    (
        "FakeBenchmarks",
        [
            .product(name: "StreamReplayFakeLLM", package: "StreamReplay"),
            .product(name: "StreamReplaySSE", package: "StreamReplay"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]
    ),
    ("RunnerBenchmarks", []),
    (
        "AllocationBenchmarks",
        [
            .product(name: "StreamReplayEngine", package: "StreamReplay"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]
    ),
]

for (name, dependencies) in benchmarks {
    package.targets.append(
        .executableTarget(
            name: name,
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "StreamReplayBenchmarkSupport",
            ] + dependencies,
            path: "Benchmarks/\(name)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}

// Warnings are errors here too, as in the root package.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.treatAllWarnings(as: .error))
    target.swiftSettings = settings
}
