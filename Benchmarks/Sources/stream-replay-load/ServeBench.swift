import Foundation
import StreamReplayBenchmarkSupport

/// `stream-replay serve --loop` as a standing mock under load: the release CLI pinned to core 0,
/// `wrk` (with `Benchmarks/wrk/chat-stream.lua`, which checks every body ends with
/// `data: [DONE]`) pinned to core 1, beside `Benchmarks/Ceiling/ceiling.c`, a minimal C server that
/// sends the same bytes with one `send(2)` per event and nothing else.
enum ServeBench {
    static let chunks = 200

    static func run(options: Options, report: Report) async throws {
        report.header(
            "serve --loop under wrk (serve on core 0, wrk on core 1; 1 KB answer in 200 chunks; median of 3 × \(options.quick ? 3 : 5) s)"
        )
        let tools = ["wrk", "taskset", "cc", "curl"].map { ($0, which($0)) }
        let missing = tools.filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty, let wrk = which("wrk"), let taskset = which("taskset"), let cc = which("cc"),
            let curl = which("curl")
        else {
            report.add("serve under wrk", "skipped: needs \(missing.joined(separator: ", ")) (apt-get install wrk)")
            return
        }
        let cli = try options.cli ?? Repository.cli()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stream-replay-serve-bench-\(getpid())"
        )
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let script = Repository.path("Benchmarks/wrk/chat-stream.lua")
        let ceilingSource = Repository.path("Benchmarks/Ceiling/ceiling.c")
        let ceiling = work.appendingPathComponent("ceiling").path
        let compiled = try await runProcess(cc, ["-O2", "-pthread", ceilingSource, "-o", ceiling])
        guard compiled.status == 0 else { throw BenchError("cc \(ceilingSource) failed (exit \(compiled.status))") }

        let fast = work.appendingPathComponent("answer.yaml").path
        try self.scenario(name: "answer", delayMilliseconds: 0).write(toFile: fast, atomically: true, encoding: .utf8)
        let load = WrkLoad(wrk: wrk, taskset: taskset, script: script)
        let seconds = options.quick ? 3 : 5

        // serve --loop and the ceiling, each alone on core 0 while wrk runs.
        let serve = try await Daemon.start(taskset, ["-c", "0", cli, "serve", "--loop", fast, "--port", "0"])
        let body = work.appendingPathComponent("body.sse").path
        do {
            let fetched = try await runProcess(
                curl,
                ["-sN", "-o", body, "-H", "content-type: application/json", "-d", WrkLoad.requestBody, serve.url]
            )
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data()
            guard fetched.status == 0, bytes.suffix(14) == Data("data: [DONE]\n\n".utf8) else {
                throw BenchError("serve's answer did not end with data: [DONE] (curl exit \(fetched.status))")
            }
            note("serve's stream: \(bytes.count) bytes, \(self.chunks + 1) events")
        } catch {
            await serve.stop()
            throw error
        }
        let reference = try await Daemon.start(taskset, ["-c", "0", ceiling, "0", body])
        let nioReference = try await Daemon.start(
            taskset,
            ["-c", "0", Repository.ownExecutable, "--nio-ceiling", "0", body]
        )
        do {
            // Warm all three (connections, the fake's cached plan, page faults).
            for daemon in [serve, reference, nioReference] {
                _ = try await load.run(url: daemon.url, connections: 32, seconds: 2)
            }
            for connections in [1, 8, 32] {
                // Three rounds, the three servers in turn within each (so that drift in the
                // machine's state hits all alike); the median round of each.
                var rounds: [[WrkLoad.Result]] = [[], [], []]
                for _ in 0..<(options.quick ? 1 : 3) {
                    for (index, daemon) in [serve, reference, nioReference].enumerated() {
                        rounds[index].append(
                            try await load.run(url: daemon.url, connections: connections, seconds: seconds)
                        )
                    }
                }
                let served = WrkLoad.Result.median(rounds[0])
                report.add(
                    "serve --loop, \(connections) client\(connections == 1 ? "" : "s") (\(format(Double(served.checked))) streams, \(served.failures) bad)",
                    "\(format(served.streamsPerSecond)) streams/s",
                    target: "0 bad",
                    pass: served.failures == 0 && served.checked > 0
                )
                report.add("  chunks/s", "\(format(served.streamsPerSecond * Double(self.chunks))) chunks/s")
                let ceilings = [
                    ("C", "C ceiling, one send per event", rounds[1]),
                    ("NIO", "minimal NIO server, one write per event", rounds[2]),
                ]
                for (name, label, runs) in ceilings {
                    let ceilingRun = WrkLoad.Result.median(runs)
                    report.add(
                        "  \(label) (\(ceilingRun.failures) bad)",
                        "\(format(ceilingRun.streamsPerSecond)) streams/s"
                    )
                    let fraction = served.streamsPerSecond / ceilingRun.streamsPerSecond
                    report.add(
                        "  serve as a fraction of the \(name) ceiling",
                        "\(format(fraction * 100, 0)) %",
                        target: connections == 32 ? "≥ 75 %" : "",
                        pass: connections == 32 ? fraction >= 0.75 : nil
                    )
                }
            }
            await reference.stop()
            await nioReference.stop()
            try await self.memoryOverRequests(serve: serve, load: load, options: options, report: report)
        } catch {
            await serve.stop()
            await reference.stop()
            await nioReference.stop()
            throw error
        }
        await serve.stop()

        try await self.slowStreams(
            cli: cli,
            work: work,
            taskset: taskset,
            load: load,
            options: options,
            report: report
        )
    }

    /// RSS of `serve --loop` after 10 % of the requests and after all of them (100,000; `--quick`
    /// 10,000), 32 clients: the journal keeps the newest 1,000, so memory must stay flat.
    static func memoryOverRequests(serve: Daemon, load: WrkLoad, options: Options, report: Report) async throws {
        let total = 100_000 / options.scale
        var received = try await receivedCount(of: serve)
        var early: (requests: Int, rss: Int)?
        while received < total {
            _ = try await load.run(url: serve.url, connections: 32, seconds: options.quick ? 2 : 5)
            received = try await receivedCount(of: serve)
            if early == nil, received >= total / 10 { early = (received, serve.memory("VmRSS")) }
        }
        let late = (requests: received, rss: serve.memory("VmRSS"))
        guard let early else { return }
        report.add(
            "serve --loop RSS after \(format(Double(early.requests))) requests",
            "\(format(Double(early.rss) / Double(1 << 20), 1)) MB"
        )
        let growth = late.rss - early.rss
        report.add(
            "serve --loop RSS after \(format(Double(late.requests))) requests",
            "\(format(Double(late.rss) / Double(1 << 20), 1)) MB",
            target: "≤ +5 MB over 10 %",
            pass: growth <= 5 << 20
        )
    }

    /// 1,000 connections at once on a slow answer (200 chunks, 20 ms apart: 4 s a stream): no
    /// error, and the serve process's peak RSS under 200 MB.
    static func slowStreams(
        cli: String,
        work: URL,
        taskset: String,
        load: WrkLoad,
        options: Options,
        report: Report
    ) async throws {
        let slow = work.appendingPathComponent("slow.yaml").path
        try self.scenario(name: "slow", delayMilliseconds: 20).write(toFile: slow, atomically: true, encoding: .utf8)
        let serve = try await Daemon.start(taskset, ["-c", "0", cli, "serve", "--loop", slow, "--port", "0"])
        let connections = 1_000
        let seconds = options.quick ? 8 : 14
        let result: WrkLoad.Result
        let peak: Int
        do {
            result = try await load.run(url: serve.url, connections: connections, seconds: seconds, timeout: 60)
            peak = serve.memory("VmHWM")
        } catch {
            await serve.stop()
            throw error
        }
        await serve.stop()
        // Each connection finishes a stream every 4 s of pauses plus timer slack (~5 s with 1,000
        // timers on one core); the one in flight at the end is cut by wrk.
        let expected = connections * (seconds / 6)
        report.add(
            "serve --loop, \(format(Double(connections))) slow streams at once for \(seconds) s",
            "\(format(Double(result.checked))) streams, \(result.failures) bad",
            target: "0 bad, ≥ \(format(Double(expected)))",
            pass: result.failures == 0 && result.checked >= expected
        )
        report.add(
            "  peak RSS of serve (VmHWM)",
            "\(format(Double(peak) / Double(1 << 20), 1)) MB",
            target: "< 200 MB",
            pass: peak > 0 && peak < 200 << 20
        )
    }

    /// A scenario whose one `llm` entry is 200 chunks of `"word "` (1,000 bytes of text), with
    /// `delayMilliseconds` between chunks when not 0.
    static func scenario(name: String, delayMilliseconds: Int) -> String {
        var lines = [
            "name: \(name)",
            "description: benchmark answer, 1 KB of text in \(self.chunks) chunks",
            "turns:",
            "  - user: hi",
            "llm:",
            "  - stream:",
            "      - role: assistant",
            "        text: \"word \"",
        ]
        for _ in 1..<self.chunks {
            if delayMilliseconds > 0 { lines.append("      - delay_ms: \(delayMilliseconds)") }
            lines.append("      - text: \"word \"")
        }
        lines.append("      - finish: stop")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `wrk` pinned to core 1 with the checking Lua script.
struct WrkLoad: Sendable {
    static let requestBody =
        #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"#

    var wrk: String
    var taskset: String
    var script: String

    struct Result {
        var streamsPerSecond: Double
        /// Responses the script checked.
        var checked: Int
        /// Bodies without the terminator, non-200 answers and socket errors.
        var failures: Int

        /// The run with the median rate; the checked and failed counts of all runs.
        static func median(_ runs: [Result]) -> Result {
            let sorted = runs.sorted { $0.streamsPerSecond < $1.streamsPerSecond }
            return Result(
                streamsPerSecond: sorted[sorted.count / 2].streamsPerSecond,
                checked: runs.reduce(0) { $0 + $1.checked },
                failures: runs.reduce(0) { $0 + $1.failures }
            )
        }
    }

    func run(url: String, connections: Int, seconds: Int, timeout: Int = 30) async throws -> Result {
        let threads = connections >= 500 ? 2 : 1
        let result = try await runProcess(
            self.taskset,
            [
                "-c", "1", self.wrk, "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--timeout", "\(timeout)s",
                "-s", self.script, url,
            ],
            timeLimit: .seconds(seconds + timeout + 30)
        )
        guard result.status == 0 else { throw BenchError("wrk exited \(result.status): \(result.stdout)") }
        var rate = 0.0
        var checked = 0
        var failures = 0
        for line in result.stdout.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("Requests/sec:") {
                rate = Double(text.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            } else if text.hasPrefix("checked=") {
                let fields = text.split(separator: " ").map { $0.split(separator: "=") }
                checked = Int(fields[0].last ?? "") ?? 0
                failures += Int(fields.count > 1 ? fields[1].last ?? "" : "") ?? 0
            } else if text.hasPrefix("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                failures += text.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }.reduce(0, +)
            } else if text.hasPrefix("Non-2xx or 3xx responses:") {
                failures += Int(text.split(separator: " ").last ?? "") ?? 0
            }
        }
        if failures > 0 { note("wrk against \(url) with \(connections) connections:\n\(result.stdout)") }
        return Result(streamsPerSecond: rate, checked: checked, failures: failures)
    }
}

/// `received` of `GET /_stream-replay/requests?since=N` with N past the newest (an empty page):
/// how many requests a `serve` process has had.
func receivedCount(of serve: Daemon) async throws -> Int {
    guard let curl = which("curl") else { throw BenchError("needs curl") }
    let result = try await runProcess(
        curl,
        ["-s", "http://127.0.0.1:\(serve.port)/_stream-replay/requests?since=999999999"]
    )
    guard let range = result.stdout.range(of: "\"received\":"),
        let count = Int(result.stdout[range.upperBound...].prefix { $0.isNumber })
    else {
        throw BenchError("no received count in the journal: \(result.stdout.prefix(200))")
    }
    return count
}
