import MallocInterposerSwift

/// The malloc interposer's running count of allocations in this process (all threads), the
/// counter behind package-benchmark's `mallocCountTotal`. It counts only while package-benchmark
/// has counting on, that is during the measured iterations, not during warm-up.
public enum AllocationCounter {
    /// Allocations counted so far.
    public static var current: Int { MallocInterposerSwift.getStatistics().mallocCount }
}
