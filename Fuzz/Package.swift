// swift-tools-version: 6.2
// libFuzzer targets, kept out of the root package so `swift test` and CI never build them.
// Run with ci/fuzz.sh (it passes -sanitize=fuzzer,address).
import Foundation
import PackageDescription

// A path dependency is named after its folder: the root package's folder, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "StreamReplayFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // libFuzzer's driver, shared by the three entry points.
        .target(name: "FuzzDriver"),
        // The SSE decoder fed arbitrary bytes, split at an input-chosen offset.
        .executableTarget(
            name: "FuzzSSE",
            dependencies: ["FuzzDriver", .product(name: "StreamReplaySSE", package: root)]
        ),
        // The chunk interpreter and the tool-call accumulator fed arbitrary chunk JSON.
        .executableTarget(
            name: "FuzzChunks",
            dependencies: ["FuzzDriver", .product(name: "StreamReplayEngine", package: root)]
        ),
        // The scenario loader fed arbitrary bytes.
        .executableTarget(
            name: "FuzzLoader",
            dependencies: ["FuzzDriver", .product(name: "StreamReplayScenario", package: root)]
        ),
    ]
)
