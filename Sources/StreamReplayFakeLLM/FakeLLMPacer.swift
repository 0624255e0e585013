/// Decides how long a `delay_ms` frame really waits.
///
/// The default, ``RealTimePacer``, sleeps. The scenario runner installs a virtual-time pacer that
/// returns once the engine has consumed the bytes written so far and the virtual clock moved.
public protocol FakeLLMPacer: Sendable {
    /// Waits before the next frame.
    ///
    /// - Parameters:
    ///   - milliseconds: The frame's `delay_ms`.
    ///   - context: Which request is being answered and how many body bytes went out so far.
    /// - Throws: `CancellationError` when the answer is abandoned.
    func pause(milliseconds: Int, context: PacerContext) async throws

    /// Called before a `disconnect` frame cuts the connection. The default returns at once; the
    /// scenario runner waits until the engine consumed every byte sent, so that a cut never races
    /// the bytes before it (see the README's notes on AsyncHTTPClient).
    ///
    /// - Parameter context: Which request is being answered and how many body bytes went out
    ///   before the cut.
    /// - Throws: `CancellationError` when the answer is abandoned.
    func willDisconnect(context: PacerContext) async throws

    /// Called between the two pieces of a swept frame: returns once the client consumed every
    /// byte sent so far, so that the cut is the one the client sees. The default cannot know
    /// what the client consumed and gives it 10 ms of real time; the scenario runner waits for
    /// the engine's own account.
    ///
    /// - Parameter context: Which request is being answered and how many body bytes went out.
    /// - Throws: `CancellationError` when the answer is abandoned.
    func waitUntilConsumed(context: PacerContext) async throws
}

extension FakeLLMPacer {
    /// Returns at once.
    public func willDisconnect(context: PacerContext) async throws {}

    /// Waits 10 ms of real time: separate reads on the client's side, very likely but not sure.
    public func waitUntilConsumed(context: PacerContext) async throws {
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Where a pause happens.
public struct PacerContext: Sendable, Hashable {
    /// The journal number of the request being answered (1-based).
    public var requestNumber: Int
    /// The `x-request-id` header of the answer, so a client-side observer can be matched to it.
    public var responseID: String
    /// Body bytes of this answer flushed to the socket before the pause.
    public var bytesWritten: Int

    /// Creates a context, such as one to test a pacer with.
    ///
    /// - Parameters:
    ///   - requestNumber: The journal number of the request being answered (1-based).
    ///   - responseID: The `x-request-id` header of the answer.
    ///   - bytesWritten: Body bytes of this answer flushed so far.
    public init(requestNumber: Int, responseID: String, bytesWritten: Int) {
        self.requestNumber = requestNumber
        self.responseID = responseID
        self.bytesWritten = bytesWritten
    }
}

/// Sleeps for real.
public struct RealTimePacer: FakeLLMPacer {
    /// How much real time one millisecond of `delay_ms` takes: 1 plays delays as written, 0.1
    /// ten times faster, 0 not at all (`serve --time-scale`).
    public var scale: Double

    /// Creates a pacer that plays delays `scale` times as long as written.
    ///
    /// - Parameter scale: 1 (the default) as written; 0 plays every delay at once. Not negative.
    public init(scale: Double = 1) {
        precondition(scale >= 0 && scale.isFinite, "a pacer's scale is a finite number, not negative")
        self.scale = scale
    }

    /// Sleeps `milliseconds` × ``scale`` of real time.
    ///
    /// - Parameters:
    ///   - milliseconds: The frame's `delay_ms`.
    ///   - context: Not used.
    /// - Throws: `CancellationError` when the task is cancelled during the sleep.
    public func pause(milliseconds: Int, context: PacerContext) async throws {
        guard self.scale > 0 else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: .milliseconds(milliseconds) * self.scale)
    }
}
