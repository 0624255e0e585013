public import Benchmark
import Synchronization

/// The measured iterations of one benchmark, kept for its summary line: how long each took, how
/// many allocations it made, and how many units (chunks, events, streams) it handled.
///
/// ```swift
/// let runs = RunRecorder(unit: "chunks")
/// Benchmark("turn", configuration: configuration) { benchmark in
///     let turn = try await EngineTurn.measure(benchmark) { store in try makeEngine(store) }
///     runs.record(benchmark, seconds: turn.elapsed.seconds, allocations: turn.allocations, units: turn.texts)
/// } teardown: {
///     runs.printRate(of: "engine turn", target: 100_000)
/// }
/// ```
public final class RunRecorder: Sendable {
    /// One measured iteration.
    public struct Sample: Sendable {
        /// The measured time.
        public var seconds: Double
        /// Allocations in that time.
        public var allocations: Int
        /// Chunks (events, streams) handled.
        public var units: Int

        /// Units per second.
        public var rate: Double { Double(self.units) / self.seconds }
    }

    /// What is counted: `chunks`, `events`, `streams`.
    public let unit: String
    private let samples = Mutex<[Sample]>([])

    /// A recorder of `unit` (plural: `chunks`).
    public init(unit: String) {
        self.unit = unit
    }

    /// Keeps a measured iteration (warm-up iterations are skipped) and gives package-benchmark its
    /// rate as the custom metric `metric` (none when `nil`).
    public func record(
        _ benchmark: Benchmark,
        seconds: Double,
        allocations: Int,
        units: Int,
        metric: BenchmarkMetric? = .chunksPerSecond
    ) {
        guard benchmark.currentIteration >= benchmark.configuration.warmupIterations, seconds > 0 else { return }
        let sample = Sample(seconds: seconds, allocations: allocations, units: units)
        self.samples.withLock { $0.append(sample) }
        if let metric { benchmark.measurement(metric, Int(sample.rate.rounded())) }
    }

    /// The measured iterations so far.
    public var all: [Sample] { self.samples.withLock { $0 } }

    /// The fastest iteration.
    public var best: Sample? { self.all.max { $0.rate < $1.rate } }

    /// The median rate.
    public var medianRate: Double { median(self.all.map(\.rate)) }

    /// Allocations per unit over all measured iterations.
    public var allocationsPerUnit: Double {
        let samples = self.all
        let units = samples.reduce(0) { $0 + $1.units }
        return units > 0 ? Double(samples.reduce(0) { $0 + $1.allocations }) / Double(units) : .nan
    }

    /// Allocations of one iteration (the median one).
    public var allocationsPerIteration: Int {
        let sorted = self.all.map(\.allocations).sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Prints `» <measure>  best N unit/s (median M, K runs)  ≥ target  PASS|MISS` and the line of
    /// allocations per unit. Returns the best rate (NaN when nothing was measured).
    @discardableResult
    public func printRate(of measure: String, target: Double? = nil, targetText: String? = nil) -> Double {
        guard let best = self.best else {
            Summary.line(measure, "not measured", target: targetText ?? "", pass: target == nil ? nil : false)
            return .nan
        }
        let runs = self.all.count
        Summary.line(
            measure,
            "best \(format(best.rate)) \(self.unit)/s (median \(format(self.medianRate)), \(runs) run\(runs == 1 ? "" : "s"))",
            target: targetText ?? target.map { "≥ \(format($0)) \(self.unit)/s" } ?? "",
            pass: target.map { best.rate >= $0 }
        )
        self.printAllocations()
        return best.rate
    }

    /// Prints `»   allocations per <unit>  N.NN (M per run of K <unit>)`.
    public func printAllocations() {
        let singular = self.unit.hasSuffix("s") ? String(self.unit.dropLast()) : self.unit
        let units = self.all.first?.units ?? 0
        Summary.line(
            "  allocations per \(singular)",
            "\(format(self.allocationsPerUnit, 2)) (\(format(self.allocationsPerIteration)) per run of \(format(units)) \(self.unit))"
        )
    }
}
