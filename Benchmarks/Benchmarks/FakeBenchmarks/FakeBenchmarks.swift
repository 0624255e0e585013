import AsyncHTTPClient
import Benchmark
import NIOCore
import StreamReplayBenchmarkSupport
import StreamReplayFakeLLM
import StreamReplaySSE
import Synchronization

// The fake server alone: AsyncHTTPClient clients in the same process POST and read whole streams
// (a 1 KB answer in 200 chunks, one flushed write per event), 1, 8 and 32 at once. One iteration
// is 100 streams; the fake is rewound between iterations (its playback plans stay cached).
// Allocations are the process's: clients and server.

let benchmarks: @Sendable () -> Void = {
    for clients in [1, 8, 32] {
        let fixture = FakeLoad()
        let runs = RunRecorder(unit: "chunks")
        Benchmark(
            "fake alone, \(clients) concurrent client\(clients == 1 ? "" : "s"), 100 streams of 200 chunks",
            configuration: .init(
                metrics: [.wallClock, .chunksPerSecond, .mallocCountTotal],
                warmupIterations: 1,
                maxDuration: .seconds(5),
                maxIterations: 1_000
            )
        ) { benchmark in
            let (client, fake) = try fixture.running
            await fake.server.reset()
            benchmark.startMeasurement()
            let allocationsBefore = AllocationCounter.current
            let start = ContinuousClock.now
            try await FakeLoad.round(client: client, url: fake.url, clients: clients, streams: FakeLoad.batch)
            let elapsed = start.duration(to: .now)
            let allocations = AllocationCounter.current - allocationsBefore
            benchmark.stopMeasurement()
            runs.record(
                benchmark,
                seconds: elapsed.seconds,
                allocations: allocations,
                units: FakeLoad.batch * FakeLoad.chunksPerStream
            )
        } setup: {
            try await fixture.start()
        } teardown: {
            let best = runs.printRate(of: "fake alone, \(clients) concurrent client\(clients == 1 ? "" : "s")")
            Summary.line("  streams/s at the best rate", format(best / Double(FakeLoad.chunksPerStream)))
            await fixture.stop()
        }
    }
}

/// The fake playing 100 answers of 200 chunks, and a client pool of up to 64 connections.
final class FakeLoad: Sendable {
    static let chunksPerStream = 200
    static let batch = 100
    static let done = Array("data: [DONE]\n\n".utf8)

    private let state = Mutex<(HTTPClient, RunningFake)?>(nil)

    var running: (HTTPClient, RunningFake) {
        get throws {
            guard let running = self.state.withLock({ $0 }) else { throw BenchError("the fake is not running") }
            return running
        }
    }

    func start() async throws {
        let answers = Array(repeating: Fixtures.textAnswer(chunks: Self.chunksPerStream), count: Self.batch)
        let fake = try await RunningFake.start(script: Fixtures.script(answers))
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.state.withLock { $0 = (client, fake) }
        // Check one stream in full; this also builds the plans' cache entry for the first answer.
        let body = try await Self.fetch(client: client, url: fake.url)
        var parser = SSEStreamParser()
        let events = parser.push(body) + parser.finish()
        guard events.count == Self.chunksPerStream + 1 else {
            throw BenchError("fake: \(events.count) events in a stream, expected \(Self.chunksPerStream + 1)")
        }
    }

    func stop() async {
        guard let (client, fake) = self.state.withLock({ $0 }) else { return }
        try? await client.shutdown()
        await fake.stop()
    }

    /// `clients` tasks share `streams` requests; each reads its body to the end and checks it.
    static func round(client: HTTPClient, url: String, clients: Int, streams: Int) async throws {
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while counter.next() < streams {
                        _ = try await self.fetch(client: client, url: url)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// One request, its body read to the end; throws unless it ends with `data: [DONE]`.
    static func fetch(client: HTTPClient, url: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Curl.requestBody))
        let response = try await client.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { throw BenchError("fake answered \(response.status)") }
        let body = try await response.body.collect(upTo: 1 << 20)
        guard body.readableBytesView.suffix(self.done.count).elementsEqual(self.done) else {
            throw BenchError("a fake stream did not end with data: [DONE]")
        }
        return body
    }
}

/// Hands out request numbers to the client tasks.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// The next number, from 0.
    func next() -> Int {
        self.value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
