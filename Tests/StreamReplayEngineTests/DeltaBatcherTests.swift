import StreamReplayEngine
import Testing

/// One test per rule of the contract's "Delta batching", on a virtual instant (no clock, no sleep).
struct DeltaBatcherTests {
    /// A virtual instant: milliseconds since the start of the test.
    private struct TestInstant: InstantProtocol {
        var offset: Duration

        static func ms(_ milliseconds: Int64) -> TestInstant { TestInstant(offset: .milliseconds(milliseconds)) }

        func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
        func duration(to other: TestInstant) -> Duration { other.offset - offset }
        static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
    }

    private func batcher(intervalMS: Int64 = 200, minChars: Int = 1024, startMS: Int64 = 0) -> DeltaBatcher<TestInstant>
    {
        DeltaBatcher(interval: .milliseconds(intervalMS), minimumCharacters: minChars, hopStart: .ms(startMS))
    }

    @Test func hopStartsWithAnEmptyBufferAndLastFlushNow() {
        let batcher = batcher(startMS: 5_000)
        #expect(batcher.buffer.isEmpty)
        #expect(batcher.bufferScalarCount == 0)
        #expect(batcher.lastFlush == .ms(5_000))
    }

    @Test func fragmentBelowBothThresholdsIsBuffered() {
        var batcher = batcher()
        #expect(batcher.append("Hel", now: .ms(50)) == nil)
        #expect(batcher.append("lo", now: .ms(199)) == nil)
        #expect(batcher.buffer == "Hello")
    }

    @Test func intervalElapsedWritesTheBufferWithTheFragment() {
        var batcher = batcher()
        #expect(batcher.append("a", now: .ms(10)) == nil)
        #expect(batcher.append("b", now: .ms(250)) == "ab")
        #expect(batcher.buffer.isEmpty)
    }

    @Test func exactlyTheIntervalIsEnough() {
        var batcher = batcher(startMS: 1_000)
        #expect(batcher.append("a", now: .ms(1_199)) == nil)
        #expect(batcher.append("b", now: .ms(1_200)) == "ab")
    }

    @Test func intervalCountsFromTheHopStart() {
        // The first fragment after a long silence since the hop started is written at once.
        var batcher = batcher(startMS: 0)
        #expect(batcher.append("late", now: .ms(60_000)) == "late")
    }

    @Test func writeSetsLastFlushToNow() {
        var batcher = batcher()
        #expect(batcher.append("a", now: .ms(300)) == "a")
        #expect(batcher.lastFlush == .ms(300))
        #expect(batcher.append("b", now: .ms(499)) == nil)
        #expect(batcher.append("c", now: .ms(500)) == "bc")
    }

    @Test func minCharsReachedWritesTheBuffer() {
        var batcher = batcher(minChars: 5)
        #expect(batcher.append("abcd", now: .ms(1)) == nil)
        #expect(batcher.append("e", now: .ms(2)) == "abcde")
        #expect(batcher.lastFlush == .ms(2))
        #expect(batcher.append("fghijkl", now: .ms(3)) == "fghijkl")
    }

    @Test(arguments: [
        ("e\u{301}", 2),  // e + combining acute: one Character, two scalars
        ("👩‍👩‍👧", 5),  // family emoji: one Character, five scalars
        ("🇳🇴", 2),  // flag: one Character, two scalars
        ("中文", 2),
        ("\r\n", 2),  // one Character, two scalars
    ])
    func minCharsCountsUnicodeScalars(fragment: String, scalars: Int) {
        var below = batcher(minChars: scalars + 1)
        #expect(below.append(fragment, now: .ms(1)) == nil)
        #expect(below.bufferScalarCount == scalars)
        var reached = batcher(minChars: scalars)
        #expect(reached.append(fragment, now: .ms(1)) == fragment)
    }

    @Test func scalarsAreCountedAcrossFragmentsThatJoinIntoOneCharacter() {
        var batcher = batcher(minChars: 3)
        #expect(batcher.append("e", now: .ms(1)) == nil)
        #expect(batcher.append("\u{301}", now: .ms(2)) == nil)  // now one Character, two scalars
        #expect(batcher.append("x", now: .ms(3)) == "e\u{301}x")
    }

    @Test(arguments: [0, -1])
    func minCharsZeroOrLessTurnsTheSizeTriggerOff(minChars: Int) {
        var batcher = batcher(minChars: minChars)
        #expect(batcher.append(String(repeating: "x", count: 100_000), now: .ms(1)) == nil)
        #expect(batcher.append("y", now: .ms(200))?.count == 100_001)
    }

    @Test func intervalZeroWritesEveryFragment() {
        var batcher = batcher(intervalMS: 0)
        #expect(batcher.append("a", now: .ms(0)) == "a")
        #expect(batcher.append("b", now: .ms(0)) == "b")
    }

    @Test func emptyFragmentChangesNothing() {
        var batcher = batcher()
        #expect(batcher.append("", now: .ms(10_000)) == nil)
        #expect(batcher.lastFlush == .ms(0))
        #expect(batcher.append("a", now: .ms(10_000)) == "a")
        #expect(batcher.append("", now: .ms(20_000)) == nil)
        #expect(batcher.finish() == nil)
    }

    @Test func hopEndWritesWhatIsLeft() {
        var batcher = batcher()
        _ = batcher.append("a", now: .ms(1))
        _ = batcher.append("b", now: .ms(2))
        #expect(batcher.finish() == "ab")
        #expect(batcher.buffer.isEmpty)
        #expect(batcher.finish() == nil)
    }

    @Test func hopEndWithNothingBufferedWritesNothing() {
        var batcher = batcher()
        #expect(batcher.finish() == nil)
        _ = batcher.append("a", now: .ms(500))
        #expect(batcher.finish() == nil)
    }

    @Test func nextHopStartsEmptyWithLastFlushNow() {
        var batcher = batcher()
        _ = batcher.append("a", now: .ms(1))
        #expect(batcher.finish() == "a")
        batcher.startHop(at: .ms(1_000))
        #expect(batcher.lastFlush == .ms(1_000))
        #expect(batcher.append("b", now: .ms(1_100)) == nil)
        #expect(batcher.append("c", now: .ms(1_200)) == "bc")
    }

    @Test func batchesNeverEmptyAndJoinToAllText() {
        // A deterministic pseudo-random walk over fragments (some empty) and time steps.
        var generator = SplitMix64(seed: 0x5EED)
        for minChars in [0, 1, 7, 64] {
            for intervalMS: Int64 in [0, 3, 50] {
                var batcher = batcher(intervalMS: intervalMS, minChars: minChars)
                var now: Int64 = 0
                var sent = ""
                var written: [String] = []
                for _ in 0..<2_000 {
                    now += Int64(generator.next() % 5)
                    let fragment = String(repeating: "é", count: Int(generator.next() % 4))
                    sent += fragment
                    if let batch = batcher.append(fragment, now: .ms(now)) { written.append(batch) }
                }
                if let rest = batcher.finish() { written.append(rest) }
                #expect(written.allSatisfy { !$0.isEmpty })
                #expect(written.joined() == sent)
            }
        }
    }

    @Test func tenThousandOneCharacterFragmentsComplete() {
        var batcher = batcher(minChars: 1024)
        var written: [String] = []
        for i in 0..<10_000 {
            if let batch = batcher.append(String(i % 10), now: .ms(Int64(i / 100))) { written.append(batch) }
        }
        if let rest = batcher.finish() { written.append(rest) }
        #expect(written.map { $0.unicodeScalars.count }.reduce(0, +) == 10_000)
        #expect(written.dropLast().allSatisfy { $0.unicodeScalars.count == 1024 })
    }

    @Test func worksWithAClocksOwnInstant() {
        let start = ContinuousClock.Instant.now
        var batcher = DeltaBatcher(interval: .milliseconds(200), minimumCharacters: 1024, hopStart: start)
        #expect(batcher.append("a", now: start.advanced(by: .milliseconds(100))) == nil)
        #expect(batcher.append("b", now: start.advanced(by: .milliseconds(200))) == "ab")
    }
}

/// A tiny deterministic generator so the walk is the same on every run.
private struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
