package import StreamReplayEngine
import StreamReplayFakeLLM
import Synchronization

/// Scenario time shared with an engine that carries it in another process (the adapter
/// protocol's `clock` capability): every move of the runner's clock is sent to the engine, and
/// waited for, before the fake goes on; without such an engine, time is real.
package final class ClockLink: Sendable {
    /// The runner's virtual clock.
    package let clock: VirtualClock
    /// The pacer and observer of scenario time.
    let time: VirtualTime

    private struct State {
        var virtual: Bool
        var mirror: (@Sendable (Duration) async -> Void)?
    }

    private let state: Mutex<State>

    init(clock: VirtualClock, time: VirtualTime, virtual: Bool) {
        self.clock = clock
        self.time = time
        self.state = Mutex(State(virtual: virtual, mirror: nil))
    }

    /// Whether the fake plays on scenario time (else `delay_ms` are real waits).
    var isVirtual: Bool {
        get { self.state.withLock { $0.virtual } }
        set { self.state.withLock { $0.virtual = newValue } }
    }

    /// Tells an engine in another process where the clock is now, and waits until it is there.
    func setMirror(_ mirror: @escaping @Sendable (Duration) async -> Void) {
        self.state.withLock { $0.mirror = mirror }
    }

    /// Moves the clock by `duration` and, for an engine in another process, waits until its own
    /// clock is there too.
    func advance(by duration: Duration) async {
        self.clock.advance(by: duration)
        await self.synchronise()
    }

    /// Waits until an engine in another process has the runner's time.
    func synchronise() async {
        guard let mirror = self.state.withLock({ $0.mirror }) else { return }
        await mirror(self.clock.now.offset)
    }
}

/// The fake's pacer for a scenario: scenario time through ``VirtualTime`` while the engine
/// carries the clock, real waits otherwise (decided once the engine said what it can do).
struct LinkedPacer: FakeLLMPacer {
    let link: ClockLink
    let real = RealTimePacer()

    func pause(milliseconds: Int, context: PacerContext) async throws {
        if self.link.isVirtual {
            try await self.link.time.pause(milliseconds: milliseconds, context: context)
        } else {
            try await self.real.pause(milliseconds: milliseconds, context: context)
        }
    }

    func willDisconnect(context: PacerContext) async throws {
        if self.link.isVirtual {
            try await self.link.time.willDisconnect(context: context)
        } else {
            try await self.real.willDisconnect(context: context)
        }
    }

    func waitUntilConsumed(context: PacerContext) async throws {
        if self.link.isVirtual {
            // The engine's own account of what it consumed: the same wait as before a cut.
            try await self.link.time.willDisconnect(context: context)
        } else {
            try await self.real.waitUntilConsumed(context: context)
        }
    }
}
