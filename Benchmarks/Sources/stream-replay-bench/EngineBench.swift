import Foundation
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario
import Synchronization

/// The engine end to end: a `ChatEngine` reading the fake over loopback HTTP.
enum EngineBench {
    struct TurnResult: Sendable {
        var elapsed: Duration
        var texts = 0
        var textBytes = 0
        var toolNotices = 0
        var errors: [String] = []
    }

    /// Runs one turn against `server` (rewound first) with a fresh temporary store.
    static func turn(
        server: FakeLLMServer,
        persist: Bool,
        tools: any ToolExecutor = NoTools(),
        observer: (any ChatEngineObserver)? = nil,
        onStart: @Sendable () -> Void = {}
    ) async throws -> TurnResult {
        await server.reset()
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var configuration = ChatEngineConfiguration(baseURL: server.baseURL, model: Fixtures.model)
        configuration.persistDeltas = persist
        configuration.idleTimeout = .seconds(600)
        let dependencies = ChatEngineDependencies(clock: ContinuousClock(), observer: observer)
        let engine = try ChatEngine(
            configuration: configuration,
            store: store,
            tools: tools,
            dependencies: dependencies
        )
        onStart()
        let (partial, elapsed) = try await measure { () async throws -> TurnResult in
            var result = TurnResult(elapsed: .zero)
            for await message in try engine.processMessage(conversationID: "bench", text: "go", requestID: "r1") {
                switch message.type {
                case .text:
                    result.texts += 1
                    result.textBytes += message.content.utf8.count
                case .toolExecution:
                    result.toolNotices += 1
                case .refusal:
                    result.errors.append("refused: \(message.content)")
                case .error:
                    result.errors.append(message.content)
                default:
                    result.errors.append("unknown message kind \(message.type): \(message.content)")
                }
            }
            await engine.waitUntilIdle()
            return result
        }
        var result = partial
        result.elapsed = elapsed
        return result
    }

    /// What the transport section needs from a text run.
    struct TextRun: Sendable {
        var label: String
        var chunks: Int
        var engineRate: Double
        var curlRate: Double
        var curlSeconds: Double
        var curlBytes: Int
        var coldFirstRead: Double
    }

    /// Section 2 (text and tool arguments) and the curl ceilings of section 5.
    ///
    /// The text answer is played twice: as the fake plays every scenario (one flushed write per
    /// event), then with `framing.write_size: 16384` (16 KB writes), which takes the fake's cost
    /// per write out and shows what the engine itself can do.
    static func run(options: Options, report: Report, curl: Curl?) async throws -> [TextRun] {
        report.header("2. Engine end to end (ChatEngine ← loopback HTTP ← FakeLLMServer)")
        let chunks = 100_000 / options.scale
        var runs: [TextRun] = []
        runs.append(
            try await self.runText(
                options: options,
                report: report,
                curl: curl,
                label: "one write per event",
                chunks: chunks,
                answer: Fixtures.textAnswer(chunks: chunks)
            )
        )
        runs.append(
            try await self.runText(
                options: options,
                report: report,
                curl: curl,
                label: "16 KB writes",
                chunks: chunks,
                answer: Fixtures.textAnswerInBigWrites(chunks: chunks, writeBytes: 16 * 1024)
            )
        )
        try await self.runToolArguments(options: options, report: report, curl: curl)
        return runs
    }

    static func runText(
        options: Options,
        report: Report,
        curl: Curl?,
        label: String,
        chunks: Int,
        answer: LLMAnswer
    ) async throws -> TextRun {
        let repeats = options.quick ? 1 : 3
        // A rate: the same target with --quick (whose shorter streams carry more fixed cost).
        let target = 100_000.0
        return try await FakeLLMServer.withRunning(script: Fixtures.script([answer])) { server in
            // Warm-up: the fake builds and caches the answer's playback plan on its first request.
            var run = TextRun(
                label: label,
                chunks: chunks,
                engineRate: .nan,
                curlRate: .nan,
                curlSeconds: .nan,
                curlBytes: 0,
                coldFirstRead: .nan
            )
            if let curl {
                note("warming the fake up (\(label)): \(chunks) chunks through curl")
                run.coldFirstRead = try await curl.read(server).elapsed.seconds
                var rates: [Double] = []
                var seconds: [Double] = []
                for _ in 0..<repeats {
                    await server.reset()
                    let (bytes, elapsed) = try await curl.read(server)
                    run.curlBytes = bytes
                    rates.append(Double(chunks) / elapsed.seconds)
                    seconds.append(elapsed.seconds)
                }
                run.curlRate = median(rates)
                run.curlSeconds = median(seconds)
            } else {
                note("curl not found: warming up with one engine turn instead")
                _ = try await self.turn(server: server, persist: false)
            }
            for persist in [false, true] {
                var rates: [Double] = []
                for _ in 0..<repeats {
                    let result = try await self.turn(server: server, persist: persist)
                    guard result.errors.isEmpty, result.texts == chunks else {
                        throw BenchError(
                            "engine turn: \(result.texts) text messages of \(chunks), errors: \(result.errors.prefix(3))"
                        )
                    }
                    rates.append(Double(chunks) / result.elapsed.seconds)
                }
                let rate = median(rates)
                if !persist { run.engineRate = rate }
                report.add(
                    "engine, \(format(Double(chunks))) text chunks, \(label), persist \(persist ? "on " : "off")",
                    "\(format(rate)) chunks/s",
                    target: "≥ \(format(target)) chunks/s",
                    pass: rate >= target
                )
                report.add("  turn time (median of \(repeats))", "\(format(Double(chunks) / rate, 3)) s")
            }
            return run
        }
    }

    // MARK: Tool arguments

    /// Records when the engine has consumed given byte counts of hop 0's body.
    final class ProgressMarks: ChatEngineObserver, Sendable {
        let thresholds: [Int]
        private let state: Mutex<(start: ContinuousClock.Instant, marks: [Duration?])>

        init(thresholds: [Int]) {
            self.thresholds = thresholds
            self.state = Mutex((ContinuousClock.now, Array(repeating: nil, count: thresholds.count)))
        }

        func start() { self.state.withLock { $0.start = ContinuousClock.now } }

        var marks: [Duration?] { self.state.withLock { $0.marks } }

        func engineConsumed(bytes: Int, of response: ObservedResponse) {
            guard response.hop == 0 else { return }
            let now = ContinuousClock.now
            self.state.withLock { state in
                for (position, threshold) in self.thresholds.enumerated()
                where state.marks[position] == nil && bytes >= threshold {
                    state.marks[position] = state.start.duration(to: now)
                }
            }
        }
    }

    static func runToolArguments(options: Options, report: Report, curl: Curl?) async throws {
        let size = (1 << 20) / options.scale
        let script = Fixtures.script(Fixtures.bigToolCallScript(argumentBytes: size))
        try await FakeLLMServer.withRunning(script: script) { server in
            // The body size (to know when 1/4, 1/2 and all of the arguments were read) and the warm-up.
            guard let curl else {
                report.add("engine, tool arguments", "skipped: needs curl")
                return
            }
            note("warming the fake up: a \(megabytes(size)) tool argument in 1-byte fragments")
            let (bodyBytes, coldElapsed) = try await curl.read(server)
            await server.reset()
            let (_, warmElapsed) = try await curl.read(server)
            let fractions = [0.25, 0.5, 1.0]
            let marks = ProgressMarks(thresholds: fractions.map { Int(Double(bodyBytes) * $0) })
            let tool = EchoTool()
            let result = try await self.turn(
                server: server,
                persist: false,
                tools: tool,
                observer: marks,
                onStart: { marks.start() }
            )
            guard result.errors.isEmpty, tool.argumentBytes == size else {
                throw BenchError(
                    "tool-argument turn: arguments of \(tool.argumentBytes) bytes (expected \(size)), errors: \(result.errors.prefix(3))"
                )
            }
            let times = marks.marks.map { $0?.seconds ?? .nan }
            for (fraction, time) in zip(fractions, times) {
                report.add(
                    "engine, tool arguments in 1-byte fragments: \(megabytes(Int(Double(size) * fraction))) read at",
                    "\(format(time, 3)) s",
                    target: "",
                    pass: nil
                )
            }
            let ratio = times[2] / times[0]
            report.add(
                "  linearity time(\(megabytes(size)))/time(\(megabytes(size / 4)))",
                format(ratio, 2),
                target: "ideal 4.0 (≤ 5.0)",
                pass: ratio <= 5.0
            )
            report.add(
                "  fragments/s to the end of the arguments",
                "\(format(Double(size) / times[2])) chunks/s"
            )
            report.add("  whole turn (stream, run the tool, follow-up hop)", "\(format(result.elapsed.seconds, 3)) s")
            report.add(
                "  curl -sN of the same stream (\(megabytes(bodyBytes)) on the wire)",
                "\(format(warmElapsed.seconds, 3)) s",
                target: "",
                pass: nil
            )
            report.add("  fake's first answer incl. building its plan (cold)", "\(format(coldElapsed.seconds, 3)) s")
        }
    }

    /// Answers any tool call with `ok`, and notes the size of the arguments it got.
    final class EchoTool: ToolExecutor {
        private let bytes = Mutex(0)
        var argumentBytes: Int { self.bytes.withLock { $0 } }

        func execute(_ call: ToolInvocation) async throws -> String {
            self.bytes.withLock { $0 = call.argumentsJSON.utf8.count }
            return #"{"ok":true}"#
        }
    }

    struct NoTools: ToolExecutor {
        func execute(_ call: ToolInvocation) async throws -> String {
            throw UnknownToolError(name: call.name)
        }
    }
}
