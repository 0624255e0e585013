import AsyncHTTPClient
import NIOCore
import StreamReplayFakeLLM
import StreamReplaySSE
import StreamReplayScenario
import Synchronization

/// The fake server alone: AsyncHTTPClient clients reading whole streams, 1, 8 and 32 at once.
enum FakeBench {
    static let chunksPerStream = 200

    static func run(options: Options, report: Report) async throws {
        report.header("3. Fake server alone (AsyncHTTPClient clients, 1 KB answer in 200 chunks)")
        let totalStreams = 2_000 / options.scale
        // The script holds `batch` answers; the clients use them up, then the fake is reset
        // (plans stay cached per entry, so only the first, untimed round builds them).
        let batch = 100
        let answers = Array(repeating: Fixtures.textAnswer(chunks: self.chunksPerStream), count: batch)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await FakeLLMServer.withRunning(script: Fixtures.script(answers)) { server in
                // Check one stream in full, and warm up (plans, connections).
                let body = try await self.fetch(client: client, url: server.baseURL + "/chat/completions")
                var parser = SSEStreamParser()
                let events = parser.push(body) + parser.finish()
                guard events.count == self.chunksPerStream + 1 else {
                    throw BenchError("fake: \(events.count) events in a stream, expected \(self.chunksPerStream + 1)")
                }
                note("fake stream: \(body.readableBytes) bytes, \(events.count) events")
                try await self.round(client: client, server: server, clients: 32, streams: batch - 1)
                await server.reset()
                for clients in [1, 8, 32] {
                    var done = 0
                    let (_, elapsed) = try await measure {
                        while done < totalStreams {
                            let count = min(batch, totalStreams - done)
                            try await self.round(client: client, server: server, clients: clients, streams: count)
                            await server.reset()
                            done += count
                        }
                    }
                    let streamsPerSecond = Double(totalStreams) / elapsed.seconds
                    report.add(
                        "fake, \(clients) concurrent client\(clients == 1 ? "" : "s"), \(totalStreams) streams",
                        "\(format(streamsPerSecond)) streams/s"
                    )
                    report.add(
                        "  chunks/s",
                        "\(format(streamsPerSecond * Double(self.chunksPerStream))) chunks/s"
                    )
                }
            }
            try await self.runWriteSizePlans(options: options, report: report)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// `framing.write_size`: the fake's first answer (building its plan) at two sizes, each in a
    /// fresh process of this executable (`--plan-probe CHUNKS`) so that memory freed by earlier
    /// sections does not hide the growth. Memory and time should grow 4× for 4× the chunks.
    static func runWriteSizePlans(options: Options, report: Report) async throws {
        guard Curl() != nil else { return }
        // Not shrunk by --quick: smaller plans are too fast to show a square.
        let sizes = [5_000, 20_000]
        var probes: [(seconds: Double, growth: Int)] = []
        for chunks in sizes {
            let result = try await runProcess(
                ownExecutable(),
                ["--plan-probe", String(chunks)],
                timeLimit: .seconds(300)
            )
            var values: [String: Double] = [:]
            for field in result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                let parts = field.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { values[String(parts[0])] = Double(parts[1]) }
            }
            guard result.status == 0, let seconds = values["seconds"], let growth = values["growth"] else {
                // A row that says so, and the sections after this one still run.
                let reason = (result.stdout + result.stderr).split(separator: "\n").last.map(String.init) ?? "no output"
                note("plan probe \(chunks) failed (exit \(result.status)): \(result.stdout)\(result.stderr)")
                report.add(
                    "fake, first answer with write_size 16384, \(format(Double(chunks))) chunks",
                    "failed (exit \(result.status)): \(reason)",
                    pass: false
                )
                return
            }
            probes.append((seconds, Int(growth)))
            report.add(
                "fake, first answer with write_size 16384, \(format(Double(chunks))) chunks",
                "\(format(seconds * 1000, 0)) ms, +\(format(growth / Double(1 << 20), 0)) MB"
            )
        }
        let memoryRatio = Double(probes[1].growth) / Double(max(1, probes[0].growth))
        report.add(
            "  linearity: peak RSS growth(\(format(Double(sizes[1]))))/(\(format(Double(sizes[0])))) chunks",
            format(memoryRatio, 1),
            target: "ideal 4.0 (≤ 5.0)",
            pass: memoryRatio <= 5.0
        )
        report.add("  time ratio", format(probes[1].seconds / probes[0].seconds, 1))
    }

    /// The child side of ``runWriteSizePlans(options:report:)``: prints `seconds=… growth=…`.
    static func planProbe(chunks: Int) async throws {
        guard let curl = Curl() else { throw BenchError("needs curl") }
        var answer = Fixtures.textAnswer(chunks: chunks)
        if var stream = answer.body.stream {
            stream.framing = Framing(writeSize: 16 * 1024)
            answer.body = .stream(stream)
        }
        try await FakeLLMServer.withRunning(script: Fixtures.script([answer])) { server in
            let rssBefore = Memory.status("VmRSS")
            let reset = Memory.resetPeak()
            let elapsed = try await curl.read(server).elapsed
            let growth = reset ? Memory.status("VmHWM") - rssBefore : -1
            print("seconds=\(elapsed.seconds) growth=\(growth)")
        }
    }

    /// `clients` tasks share `streams` requests; each reads its body to the end and checks it.
    static func round(client: HTTPClient, server: FakeLLMServer, clients: Int, streams: Int) async throws {
        final class Counter: Sendable {
            let value = Mutex(0)
            func next() -> Int {
                self.value.withLock { value in
                    defer { value += 1 }
                    return value
                }
            }
        }
        let counter = Counter()
        let url = server.baseURL + "/chat/completions"
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

    static let done = Array("data: [DONE]\n\n".utf8)

    /// One request, its body read to the end; throws unless it ends with `data: [DONE]`.
    static func fetch(client: HTTPClient, url: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Fixtures.requestBody))
        let response = try await client.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { throw BenchError("fake answered \(response.status)") }
        let body = try await response.body.collect(upTo: 1 << 20)
        guard body.readableBytesView.suffix(self.done.count).elementsEqual(self.done) else {
            throw BenchError("a fake stream did not end with data: [DONE]")
        }
        return body
    }
}
