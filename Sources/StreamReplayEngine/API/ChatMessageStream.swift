import DequeModule
import Synchronization

/// The messages of one turn, in order, as they are produced.
///
/// It ends when the turn is over: after its last text, tool notice, hop-limit warning or `error`
/// message. Stopping the iteration early (or cancelling the iterating task, or dropping the
/// stream and its iterator) cancels the turn, which is then finalised as a failed turn with code
/// `cancelled`; nothing more is yielded.
///
/// Messages arrive in runs: the engine hands over every message that one read of the response
/// completed at once, and the iterator returns them one by one without suspending, so the
/// consuming task wakes once per read, not once per message.
public struct ChatMessageStream: AsyncSequence, Sendable {
    /// Each element is one message of the turn.
    public typealias Element = ChatMessage
    /// Iterating never fails: a failed turn ends with an `error` message.
    public typealias Failure = Never

    let handle: TurnMessages.Handle

    /// An iterator over the turn's messages; iterate a stream once, from one task.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: self.handle)
    }

    /// Iterates the messages of a turn.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: TurnMessages.Handle
        /// The run taken from the turn and not yet returned.
        var run = Deque<ChatMessage>()

        /// The next message, or `nil` once the turn is over or the iterating task was cancelled.
        public mutating func next() async -> ChatMessage? {
            await self.next(isolation: nil)
        }

        /// The next message, running in the caller's isolation (a `for await` loop's): a message
        /// of the current run is returned without leaving the caller's executor.
        ///
        /// - Parameter actor: The caller's actor, or `nil` for none.
        /// - Returns: The next message, or `nil` once the turn is over or the iterating task was
        ///   cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> ChatMessage? {
            if let message = self.run.popFirst() { return message }
            guard let run = await self.handle.messages.nextRun(isolation: actor) else { return nil }
            self.run = run
            return self.run.popFirst()
        }
    }
}

/// The queue between a running turn and the task that reads its ``ChatMessageStream``.
///
/// The producer appends messages (``append(_:)``) and hands them over at the end of a run
/// (``flush()``), which wakes the consumer once; the consumer takes the whole run
/// (``nextRun()``). The producer may ask to hear when the consumer has taken what was queued
/// (``whenTaken(_:)``): that is the transport's backpressure, it reads the socket again only once
/// the queue has room. After the consumer left (cancelled or dropped), appends are ignored and the
/// turn's `onCancel` runs once.
final class TurnMessages: Sendable {
    /// The most bytes of message content queued for the consumer before the transport stops reading.
    static let highWatermark = 1 << 20

    private struct State: Sendable {
        /// Messages appended and not yet handed over by a flush.
        var unflushed = Deque<ChatMessage>()
        /// Messages handed over and not yet taken by the consumer.
        var ready = Deque<ChatMessage>()
        /// Content bytes of `unflushed` and `ready` (plus a fixed cost per message).
        var queuedBytes = 0
        var waiter: CheckedContinuation<Deque<ChatMessage>?, Never>?
        var finished = false
        var consumerGone = false
        var onCancel: (@Sendable () -> Void)?
        var onTaken: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    /// Told of every message appended (``ChatEngineObserver/engineYielded(_:conversationID:requestID:)``).
    private let observer: (any ChatEngineObserver)?
    private let conversationID: String
    private let requestID: String

    init(observer: (any ChatEngineObserver)? = nil, conversationID: String = "", requestID: String = "") {
        self.observer = observer
        self.conversationID = conversationID
        self.requestID = requestID
    }

    /// What a message costs in the queue besides its content (the value and its metadata array).
    private static let overhead = 96

    /// Runs `onCancel` when the consumer leaves before the turn finished; set it before the turn starts.
    func setOnCancel(_ onCancel: @escaping @Sendable () -> Void) {
        self.state.withLock { $0.onCancel = onCancel }
    }

    /// Queues a message for the next flush; ignored after the consumer left or the turn finished.
    func append(_ message: ChatMessage) {
        let queued = self.state.withLock { state -> Bool in
            guard !state.consumerGone, !state.finished else { return false }
            state.queuedBytes += message.content.utf8.count + Self.overhead
            state.unflushed.append(message)
            return true
        }
        if queued, let observer {
            observer.engineYielded(message, conversationID: self.conversationID, requestID: self.requestID)
        }
    }

    /// Queues messages for the next flush, under one lock.
    func append(contentsOf messages: [ChatMessage]) {
        let queued = self.state.withLock { state -> Bool in
            guard !state.consumerGone, !state.finished else { return false }
            for message in messages {
                state.queuedBytes += message.content.utf8.count + Self.overhead
            }
            state.unflushed.append(contentsOf: messages)
            return true
        }
        if queued, let observer {
            for message in messages {
                observer.engineYielded(message, conversationID: self.conversationID, requestID: self.requestID)
            }
        }
    }

    /// Appends one message and hands it over at once.
    func yield(_ message: ChatMessage) {
        self.append(message)
        self.flush()
    }

    /// Hands the appended messages to the consumer, waking it if it waits.
    func flush() {
        let wake = self.state.withLock {
            state -> (CheckedContinuation<Deque<ChatMessage>?, Never>, Deque<ChatMessage>)? in
            guard !state.unflushed.isEmpty else { return nil }
            if state.ready.isEmpty {
                swap(&state.ready, &state.unflushed)
            } else {
                state.ready.append(contentsOf: state.unflushed)
                state.unflushed.removeAll(keepingCapacity: true)
            }
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, Self.take(&state))
        }
        if let (waiter, run) = wake {
            waiter.resume(returning: run)
            self.notifyTaken()
        }
    }

    /// Ends the stream once the queued messages are taken.
    func finish() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Deque<ChatMessage>?, Never>? in
            state.ready.append(contentsOf: state.unflushed)
            state.unflushed.removeAll()
            state.finished = true
            state.onCancel = nil
            guard state.ready.isEmpty, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: nil)
        self.notifyTaken()
    }

    /// Whether the queue holds at least ``highWatermark`` bytes the consumer has not taken.
    var isFull: Bool {
        self.state.withLock { $0.queuedBytes >= Self.highWatermark }
    }

    /// Calls `onTaken` once, as soon as the consumer took the queue (or left, or the turn
    /// finished); at once when the queue is below the watermark already.
    func whenTaken(_ onTaken: @escaping @Sendable () -> Void) {
        let now = self.state.withLock { state -> Bool in
            if state.queuedBytes < Self.highWatermark || state.consumerGone || state.finished { return true }
            state.onTaken = onTaken
            return false
        }
        if now { onTaken() }
    }

    /// The next run of messages, or `nil` at the end; `nil` also when the calling task is
    /// cancelled (which cancels the turn).
    func nextRun(isolation actor: isolated (any Actor)? = #isolation) async -> Deque<ChatMessage>? {
        let immediate = self.state.withLock { state -> Deque<ChatMessage>?? in
            if !state.ready.isEmpty { return .some(Self.take(&state)) }
            if state.finished || state.consumerGone { return .some(nil) }
            return nil
        }
        if let immediate {
            if immediate != nil { self.notifyTaken() }
            return immediate
        }
        if Task.isCancelled {
            self.consumerLeft()
            return nil
        }
        let run = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Deque<ChatMessage>?, Never>) in
                let resolved = self.state.withLock { state -> Deque<ChatMessage>?? in
                    if !state.ready.isEmpty { return .some(Self.take(&state)) }
                    if state.finished || state.consumerGone { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let resolved { continuation.resume(returning: resolved) }
            }
        } onCancel: {
            self.consumerLeft()
        }
        if run != nil { self.notifyTaken() }
        return run
    }

    /// The consumer stopped reading: drop what is queued, end its wait, cancel the turn.
    func consumerLeft() {
        let (waiter, onCancel, onTaken) = self.state.withLock { state in
            state.consumerGone = true
            state.ready.removeAll()
            state.unflushed.removeAll()
            state.queuedBytes = 0
            let waiter = state.waiter
            state.waiter = nil
            let onCancel = state.finished ? nil : state.onCancel
            state.onCancel = nil
            let onTaken = state.onTaken
            state.onTaken = nil
            return (waiter, onCancel, onTaken)
        }
        waiter?.resume(returning: nil)
        onCancel?()
        onTaken?()
    }

    private static func take(_ state: inout State) -> Deque<ChatMessage> {
        var run = Deque<ChatMessage>()
        swap(&run, &state.ready)
        state.queuedBytes = 0
        for message in state.unflushed {
            state.queuedBytes += message.content.utf8.count + Self.overhead
        }
        return run
    }

    private func notifyTaken() {
        let onTaken = self.state.withLock { state -> (@Sendable () -> Void)? in
            guard state.queuedBytes < Self.highWatermark else { return nil }
            defer { state.onTaken = nil }
            return state.onTaken
        }
        onTaken?()
    }

    /// Shared by a stream and its iterators: when the last of them is gone, the consumer left.
    final class Handle: Sendable {
        let messages: TurnMessages

        init(_ messages: TurnMessages) {
            self.messages = messages
        }

        deinit {
            self.messages.consumerLeft()
        }
    }
}
