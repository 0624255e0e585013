public import Benchmark

extension BenchmarkMetric {
    /// Chunks (or events, fragments) handled per second in one iteration, timed around the
    /// measured region: package-benchmark's `throughput` is iterations per second as a whole
    /// number, 1 for a one-second turn.
    public static let chunksPerSecond = BenchmarkMetric.custom(
        "chunks/s",
        polarity: .prefersLarger,
        useScalingFactor: false
    )

    /// Streams answered per second in one iteration.
    public static let streamsPerSecond = BenchmarkMetric.custom(
        "streams/s",
        polarity: .prefersLarger,
        useScalingFactor: false
    )

    /// Scenarios run per second in one iteration.
    public static let scenariosPerSecond = BenchmarkMetric.custom(
        "scenarios/s",
        polarity: .prefersLarger,
        useScalingFactor: false
    )

    /// The process's peak resident memory (`VmHWM`) in bytes at the end of an iteration.
    public static let peakRSS = BenchmarkMetric.custom(
        "VmHWM (bytes)",
        polarity: .prefersSmaller,
        useScalingFactor: false
    )

    /// A ratio × 100 (383 for 3.83), for the linearity checks.
    public static let ratioTimes100 = BenchmarkMetric.custom(
        "ratio ×100",
        polarity: .prefersSmaller,
        useScalingFactor: false
    )
}
