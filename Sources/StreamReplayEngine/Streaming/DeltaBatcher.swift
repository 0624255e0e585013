/// Decides when a hop's streamed text is written as an `assistant_delta` batch.
///
/// A value-type state machine with no clock of its own: every call takes `now` from the engine's
/// injected clock, so it is generic over that clock's `Instant` (any `InstantProtocol` whose
/// durations are `Swift.Duration`, such as `ContinuousClock.Instant` or a test clock's instant).
/// It returns the batch to write, if any; it never returns an empty one.
///
/// The rules (`persistence.interval_ms`, `persistence.min_chars`):
/// - at hop start the buffer is empty and `last_flush` is now (``init(interval:minimumCharacters:hopStart:)``
///   or ``startHop(at:)``);
/// - for each non-empty `delta.content` fragment (``append(_:now:)``): append it; then if
///   `now − last_flush ≥ interval`, or `minimumCharacters > 0` and the buffer holds at least that
///   many Unicode scalars, the whole buffer is one batch and `last_flush` becomes now; the engine
///   writes the batch, then yields the fragment;
/// - at hop end (``finish()``) what is left is the last batch. An empty fragment changes nothing.
///
/// ```swift
/// var batcher = DeltaBatcher(interval: .milliseconds(200), minimumCharacters: 1024, hopStart: clock.now)
/// for fragment in textFragments {
///     if let batch = batcher.append(fragment, now: clock.now) { try store.writeDelta(batch) }
///     yield(fragment)
/// }
/// if let rest = batcher.finish() { try store.writeDelta(rest) }
/// ```
package struct DeltaBatcher<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// `interval_ms`: the time since the last write after which a fragment triggers a write.
    package let interval: Duration
    /// `min_chars`: the buffer size, in Unicode scalars, that triggers a write; 0 turns it off.
    package let minimumCharacters: Int
    /// The text not yet written.
    package private(set) var buffer = ""
    /// The buffer's length in Unicode scalars.
    package private(set) var bufferScalarCount = 0
    /// When the last batch was written, or the hop started.
    package private(set) var lastFlush: Instant

    /// Creates a batcher for a hop that starts at `hopStart`.
    ///
    /// - Parameters:
    ///   - interval: `interval_ms` as a duration.
    ///   - minimumCharacters: `min_chars`; 0 or less turns the size trigger off.
    ///   - hopStart: The injected clock's now at the start of the hop.
    package init(interval: Duration, minimumCharacters: Int, hopStart: Instant) {
        self.interval = interval
        self.minimumCharacters = minimumCharacters
        self.lastFlush = hopStart
    }

    /// Starts the next hop: empties the buffer and sets `last_flush` to `now`.
    ///
    /// Call ``finish()`` first; text still buffered is discarded here.
    /// - Parameter now: The injected clock's now.
    package mutating func startHop(at now: Instant) {
        buffer = ""
        bufferScalarCount = 0
        lastFlush = now
    }

    /// Buffers one text fragment and says whether the buffer is now due to be written.
    ///
    /// - Parameters:
    ///   - fragment: One `delta.content` fragment; an empty one is ignored.
    ///   - now: The injected clock's now.
    /// - Returns: The batch to write before yielding the fragment (the whole buffer, the fragment
    ///   included, never empty), or `nil` to keep buffering.
    package mutating func append(_ fragment: String, now: Instant) -> String? {
        guard !fragment.isEmpty else { return nil }
        buffer += fragment
        bufferScalarCount += fragment.unicodeScalars.count
        let intervalElapsed = lastFlush.duration(to: now) >= interval
        let bufferFull = minimumCharacters > 0 && bufferScalarCount >= minimumCharacters
        guard intervalElapsed || bufferFull else { return nil }
        lastFlush = now
        return takeBuffer()
    }

    /// Ends the hop.
    ///
    /// - Returns: The text still buffered, or `nil` when there is none (empty flushes are skipped).
    package mutating func finish() -> String? {
        guard !buffer.isEmpty else { return nil }
        return takeBuffer()
    }

    private mutating func takeBuffer() -> String {
        let batch = buffer
        buffer = ""
        bufferScalarCount = 0
        return batch
    }
}
