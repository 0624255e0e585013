import Foundation

@main
struct Bench {
    static func main() async {
        let options = Options.parse(CommandLine.arguments)
        do {
            if let probe = options.memoryProbe {
                try await MemoryBench.probe(chunks: probe.chunks, chunkBytes: probe.chunkBytes)
                return
            }
            if let ceiling = options.nioCeiling {
                try NIOCeiling.serve(port: ceiling.port, bodyFile: ceiling.bodyFile)
            }
            if let chunks = options.planProbe {
                try await FakeBench.planProbe(chunks: chunks)
                return
            }
            try await self.run(options)
        } catch {
            FileHandle.standardError.write(Data("stream-replay-bench: error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        let report = Report()
        let date = ISO8601DateFormatter().string(from: Date())
        print(
            "StreamReplay benchmarks\(options.quick ? " (--quick: sizes / 10)" : ""), \(date), \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
        print("load average at start: \(loadAverage()) (other processes on the machine skew every rate)")
        print(Report.line(.init(measure: "measure", value: "result", target: "target", verdict: "")))
        let curl = Curl()
        if options.runs("sse") {
            try await SSEBench.run(options: options, report: report)
        }
        var texts: [EngineBench.TextRun] = []
        if options.runs("engine") || options.runs("curl") {
            texts = try await EngineBench.run(options: options, report: report, curl: curl)
        }
        if options.runs("fake") {
            try await FakeBench.run(options: options, report: report)
        }
        if options.runs("runner") {
            try await RunnerBench.run(options: options, report: report)
        }
        if options.runs("serve") {
            try await ServeBench.run(options: options, report: report)
        }
        if !texts.isEmpty {
            report.header("5. Transport ceiling (curl -sN reading the same stream from the fake, a subprocess)")
            for text in texts {
                guard curl != nil else {
                    report.add("curl ceiling", "skipped: curl not found")
                    break
                }
                report.add(
                    "curl -sN, \(format(Double(text.chunks))) chunks, \(text.label) (\(megabytes(text.curlBytes)))",
                    "\(format(text.curlRate)) chunks/s"
                )
                report.add("  time to EOF (median)", "\(format(text.curlSeconds, 3)) s")
                report.add(
                    "  the fake's first answer incl. building its plan (cold)",
                    "\(format(text.coldFirstRead, 3)) s"
                )
                // The target is about the stream as the fake plays scenarios (the first run); the
                // 16 KB run is there to show the engine's own cost.
                let fraction = text.engineRate / text.curlRate
                let primary = text.label == texts.first?.label
                report.add(
                    "  engine (persist off) as a fraction of this ceiling",
                    "\(format(fraction * 100, 0)) %",
                    target: primary ? "≥ 50 %" : "(information)",
                    pass: primary ? fraction >= 0.5 : nil
                )
            }
        }
        if options.runs("memory") {
            try await MemoryBench.run(options: options, report: report)
        }
        report.header("Totals")
        report.add(
            "peak RSS of this process (VmHWM)",
            "\(format(Double(Memory.status("VmHWM")) / Double(1 << 20), 1)) MB"
        )
        report.add("load average at the end (1, 5, 15 min)", loadAverage())
        let verdicts = report.verdicts
        print("")
        print("\(verdicts.pass) PASS, \(verdicts.miss) MISS")
    }
}

/// The first three fields of /proc/loadavg.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}
