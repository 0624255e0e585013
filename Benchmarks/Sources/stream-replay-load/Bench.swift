import Foundation
import StreamReplayBenchmarkSupport

/// The measurements package-benchmark does not fit: `serve --loop` under wrk beside a C and a NIO
/// server (other processes, pinned), the memory of one turn in fresh processes of this executable
/// (VmHWM after /proc/self/clear_refs) and of one pre-rendered turn without the malloc
/// interposer, and the fake's `write_size` plans in fresh processes.
@main
struct LoadBench {
    static func main() async {
        let options = Options.parse(CommandLine.arguments)
        do {
            if let probe = options.memoryProbe {
                try await MemoryBench.probe(chunks: probe.chunks, chunkBytes: probe.chunkBytes)
                return
            }
            if let baseURL = options.preRenderedProbe {
                try await PreRenderedMemoryBench.probe(baseURL: baseURL)
                return
            }
            if let ceiling = options.nioCeiling {
                try NIOCeiling.serve(port: ceiling.port, bodyFile: ceiling.bodyFile)
            }
            if let chunks = options.planProbe {
                try await PlanBench.probe(chunks: chunks)
                return
            }
            try await self.run(options)
        } catch {
            FileHandle.standardError.write(Data("stream-replay-load: error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        let report = Report()
        let date = ISO8601DateFormatter().string(from: Date())
        print(
            "StreamReplay load benchmarks\(options.quick ? " (--quick)" : ""), \(date), \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
        print("load average at start: \(ProcessStatus.loadAverage) (other processes on the machine skew every rate)")
        if options.runs("serve") {
            try await ServeBench.run(options: options, report: report)
        }
        if options.runs("memory") {
            try await MemoryBench.run(options: options, report: report)
            try await PreRenderedMemoryBench.run(options: options, report: report)
        }
        if options.runs("plans") {
            try await PlanBench.run(options: options, report: report)
        }
        report.header("Totals")
        report.add("load average at the end (1, 5, 15 min)", ProcessStatus.loadAverage)
        let verdicts = report.verdicts
        print("")
        print("\(verdicts.pass) PASS, \(verdicts.miss) MISS")
    }
}
