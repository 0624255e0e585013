import NIOCore
import StreamReplaySSE

/// Performs the actions of a ``HopStateMachine`` where the bytes arrive: decodes the SSE events
/// of the body bytes it is given, hands them to the machine, queues the messages the machine
/// yields for the consumer (handed over once per read), and writes delta batches through the
/// context, holding back everything after a batch until it is written.
///
/// It lives on one event loop and is not thread-safe; the transport that owns it calls it there.
/// Between reads it asks for more input (``onNeedsInput``) only when everything received so far
/// was handled (events decoded, messages queued, batches written), which is also when the
/// observer hears how far the engine got.
final class HopDriver {
    private enum Phase {
        /// Decoding the events of the body as it arrives.
        case streaming
        /// The body ended: the events its last bytes complete.
        case draining
        /// The text still buffered for the store is the last batch.
        case flushing
        /// Done; ``onComplete`` was called.
        case complete
    }

    /// How the body ended, once it did: `nil` inside for a clean end, else how it was cut.
    private var ending: String??
    private var phase = Phase.streaming
    private var machine: HopStateMachine
    private var decoder = SSEDecoder()
    /// Bytes received and not yet decoded into events (an unfinished event stays here).
    private var unread: ByteBuffer
    /// What the machine asked for and was not yet done; `nextAction` is the first not done.
    private var actions: [HopAction] = []
    private var nextAction = 0
    /// A delta batch is being written: nothing else happens until it is.
    private var persisting = false
    /// Messages yielded since the last hand-over, handed to the consumer in one go.
    private var run: [ChatMessage] = []
    private var received = 0
    private let eventLoop: any EventLoop
    private let context: HopContext
    private let clock: EngineClock
    private let observe: Observation?

    /// Called once input may be given again (everything received so far was handled).
    var onNeedsInput: () -> Void = {}
    /// Called once, with the hop's result, when the hop is over.
    var onComplete: (HopResult) -> Void = { _ in }

    /// The observer's hooks for one response.
    struct Observation {
        var observer: any ChatEngineObserver
        var response: ObservedResponse
    }

    init(
        machine: HopStateMachine,
        context: HopContext,
        clock: EngineClock,
        observe: Observation?,
        eventLoop: any EventLoop,
        allocator: ByteBufferAllocator
    ) {
        self.machine = machine
        self.context = context
        self.clock = clock
        self.observe = observe
        self.eventLoop = eventLoop
        self.unread = allocator.buffer(capacity: 0)
        self.actions.reserveCapacity(8)
    }

    /// Whether the hop is over.
    var isComplete: Bool {
        if case .complete = self.phase { return true }
        return false
    }

    /// Takes body bytes as they arrived; they are handled at the next ``process()``.
    func receive(_ buffer: ByteBuffer) {
        guard !self.isComplete else { return }
        if let observe = self.observe {
            observe.observer.engineReceived(buffer, of: observe.response)
        }
        self.received += buffer.readableBytes
        self.machine.noteBytes()
        var buffer = buffer
        if self.unread.readableBytes == 0 {
            self.unread.clear()
        } else if self.unread.readerIndex > 64 * 1024 {
            self.unread.discardReadBytes()
        }
        self.unread.writeBuffer(&buffer)
    }

    /// Handles what was received (the end of a read).
    func process() {
        self.pump()
    }

    /// The body ended: cleanly (`interruption` nil) or cut, as `interruption` says.
    func end(interruption: String?) {
        guard self.ending == nil, !self.isComplete else { return }
        self.ending = .some(interruption)
        self.pump()
    }

    // MARK: The loop

    private func pump() {
        while !self.persisting {
            while self.nextAction < self.actions.count {
                let action = self.actions[self.nextAction]
                self.nextAction += 1
                switch action {
                case .yield(let message):
                    self.run.append(message)
                case .persist(let batch):
                    self.persisting = true
                    let bound = NIOLoopBound(self, eventLoop: self.eventLoop)
                    let eventLoop = self.eventLoop
                    self.context.writeDelta(batch) { result in
                        eventLoop.execute { bound.value.persisted(result) }
                    }
                    return
                }
            }
            self.actions.removeAll(keepingCapacity: true)
            self.nextAction = 0
            switch self.phase {
            case .streaming:
                if self.machine.isFinished {
                    self.phase = .flushing
                } else if let event = self.decodeNext() {
                    self.machine.handle(event, now: self.clock.now, into: &self.actions)
                } else if self.ending != nil {
                    self.phase = .draining
                } else {
                    self.settle()
                    return
                }
            case .draining:
                // A clean end hands over an event cut off by it, a cut only a final [DONE].
                if !self.machine.isFinished, let event = self.decodeLast() {
                    let done = event.data?.hasPrefix("[DONE]") == true
                    if done || (self.ending == .some(nil) && event.isTerminated) {
                        self.machine.handle(event, now: self.clock.now, into: &self.actions)
                    }
                } else {
                    self.phase = .flushing
                }
            case .flushing:
                self.machine.flushDeltas(into: &self.actions)
                self.phase = .complete
                if self.actions.isEmpty { self.finish() }
            case .complete:
                self.finish()
                return
            }
        }
    }

    private func decodeNext() -> SSEEvent? {
        // SSEDecoder never throws; the signature is NIO's.
        (try? self.decoder.decode(buffer: &self.unread)) ?? nil
    }

    private func decodeLast() -> SSEEvent? {
        (try? self.decoder.decodeLast(buffer: &self.unread, seenEOF: true)) ?? nil
    }

    private func persisted(_ result: Result<Void, any Error>) {
        self.persisting = false
        if case .failure(let error) = result {
            self.machine.persistFailed(error)
            self.actions.removeAll(keepingCapacity: true)
            self.nextAction = 0
        }
        self.pump()
    }

    /// Everything received was handled: hand the messages over, tell the observer, ask for more.
    private func settle() {
        self.handOver()
        self.reportConsumed()
        self.onNeedsInput()
    }

    /// Body bytes the observer was last told of (the head's call told it of 0).
    private var reported = 0

    /// Tells the observer how far the engine got, once per new byte count.
    private func reportConsumed() {
        guard let observe = self.observe, self.received > self.reported else { return }
        self.reported = self.received
        observe.observer.engineConsumed(bytes: self.received, of: observe.response)
    }

    private var finished = false

    private func handOver() {
        if !self.run.isEmpty {
            self.context.messages.append(contentsOf: self.run)
            self.run.removeAll(keepingCapacity: true)
        }
        self.context.messages.flush()
    }

    private func finish() {
        guard !self.finished else { return }
        self.finished = true
        self.handOver()
        self.reportConsumed()
        let interruption: String? =
            switch self.ending {
            case .some(let how): how
            case .none: nil
            }
        self.machine.end(interruption: interruption)
        self.onComplete(self.machine.result)
    }
}
