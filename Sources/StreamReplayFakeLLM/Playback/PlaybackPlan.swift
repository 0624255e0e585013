import NIOCore
import StreamReplaySSE
import StreamReplayScenario

/// What the server does, step by step, to play one streamed answer: the bytes of each flushed
/// write, the pauses and the disconnect. Pure: it is computed from the answer alone, so it can be
/// tested without a socket and cached between requests.
struct PlaybackPlan: Sendable {
    enum Step: Sendable, Hashable {
        /// One flushed write of these body bytes.
        case write(ByteBuffer)
        /// Wait this many milliseconds (through the pacer).
        case pause(milliseconds: Int)
        /// Close the connection without ending the body.
        case disconnect
        /// Send nothing more until the client consumed every byte sent so far (the two pieces
        /// of a swept frame, so that the cut is the one the client sees).
        case barrier
    }

    var steps: [Step]
    /// Whether the body ends cleanly after the steps (no disconnect).
    var endsBody: Bool

    /// The plan of a streamed answer.
    ///
    /// Without `framing.write_size` each event (chunk, comment, raw frame) is one write. With it,
    /// the body's bytes are cut into writes of exactly that size, regardless of events and
    /// characters; a pause or a disconnect first flushes what is pending.
    ///
    /// In another profile than `openai` (chosen by the endpoint: `profile`), each chunk the
    /// builder makes goes through a ``ProfileRenderer`` and its events are written instead; a
    /// `chunk:` or `raw` frame still passes unchanged.
    init(answer: StreamAnswer, builder: ChunkBuilder, profile: StreamAnswer.Profile? = nil) {
        let encoder = SSEEncoder(lineEnding: SSEEncoder.LineEnding(rawValue: answer.framing.lineEnding) ?? .lf)
        var cutter = WriteCutter(size: answer.framing.writeSize)
        var disconnected = false
        var renderer = ProfileRenderer.Kind(profile ?? answer.profile).map { kind in
            ProfileRenderer(
                kind: kind,
                id: builder.id,
                model: builder.model,
                created: builder.created,
                chunks: answer.frames.compactMap(\.chunk).flatMap(builder.chunkValues(for:))
            )
        }
        /// The bytes of one chunk: its `data:` line, or the profile's events for it.
        func encoded(_ chunk: ScenarioValue) -> ByteBuffer {
            var buffer = ByteBuffer()
            if renderer != nil {
                for event in renderer?.events(for: chunk) ?? [] { encoder.write(event, into: &buffer) }
            } else {
                encoder.writeData(chunk.jsonString, into: &buffer)
            }
            return buffer
        }
        frames: for frame in answer.frames {
            switch frame.storage {
            case .chunk(let chunk) where chunk.sweep == .bytes && chunk.cut != nil:
                var buffer = ByteBuffer()
                for value in builder.chunkValues(for: chunk) {
                    var one = encoded(value)
                    buffer.writeBuffer(&one)
                }
                let cut = min(max(chunk.cut ?? 0, 0), buffer.readableBytes)
                if let first = buffer.readSlice(length: cut) { cutter.add(first) }
                cutter.barrier()
                cutter.add(buffer)
            case .chunk(let chunk):
                for (position, value) in builder.chunkValues(for: chunk).enumerated() {
                    if position > 0, chunk.cut != nil { cutter.barrier() }
                    cutter.add(encoded(value))
                }
            case .json(let value):
                var buffer = ByteBuffer()
                encoder.writeData(value.jsonString, into: &buffer)
                cutter.add(buffer)
            case .raw(let bytes):
                cutter.add(ByteBuffer(bytes: bytes))
            case .comment(let text):
                var buffer = ByteBuffer()
                if let ping = renderer?.ping(), !ping.isEmpty {
                    for event in ping { encoder.write(event, into: &buffer) }
                } else {
                    encoder.writeComment(text, into: &buffer)
                    buffer.writeString(encoder.lineEnding.rawValue)
                }
                cutter.add(buffer)
            case .error(let value):
                var buffer = ByteBuffer()
                if renderer != nil {
                    for event in renderer?.error(value) ?? [] { encoder.write(event, into: &buffer) }
                } else {
                    encoder.writeData(builder.errorChunk(value), into: &buffer)
                }
                cutter.add(buffer)
            case .delay(let milliseconds):
                cutter.flush()
                cutter.steps.append(.pause(milliseconds: milliseconds))
            case .disconnect:
                cutter.flush()
                cutter.steps.append(.disconnect)
                disconnected = true
                break frames
            }
        }
        if !disconnected, answer.sendsDone {
            // Where chat completions sends `[DONE]`, another profile ends its message.
            var buffer = ByteBuffer()
            if renderer != nil {
                for event in renderer?.end() ?? [] { encoder.write(event, into: &buffer) }
            } else {
                encoder.writeData("[DONE]", into: &buffer)
            }
            cutter.add(buffer)
        }
        cutter.flush()
        self.steps = cutter.steps
        self.endsBody = !disconnected
    }

    /// All body bytes the plan writes, in order.
    var bodyBytes: [UInt8] {
        self.steps.flatMap { step -> [UInt8] in
            if case .write(let buffer) = step { return Array(buffer.readableBytesView) }
            return []
        }
    }
}

/// Cuts bytes into writes: one per piece added, or exactly `size` bytes each.
private struct WriteCutter {
    let size: Int?
    var pending = ByteBuffer()
    var steps: [PlaybackPlan.Step] = []

    init(size: Int?) {
        self.size = size
    }

    mutating func add(_ buffer: ByteBuffer) {
        guard let size else {
            if buffer.readableBytes > 0 { self.steps.append(.write(buffer)) }
            return
        }
        var buffer = buffer
        self.pending.writeBuffer(&buffer)
        guard self.pending.readableBytes >= size else { return }
        while self.pending.readableBytes >= size, let piece = self.pending.readSlice(length: size) {
            // Each piece is its own small buffer, so pieces never share (and pin) one growing one.
            self.steps.append(.write(ByteBuffer(bytes: piece.readableBytesView)))
        }
        // Keep only the leftover bytes, in a fresh buffer.
        self.pending = ByteBuffer(bytes: self.pending.readableBytesView)
    }

    mutating func barrier() {
        self.flush()
        self.steps.append(.barrier)
    }

    mutating func flush() {
        if self.pending.readableBytes > 0, let rest = self.pending.readSlice(length: self.pending.readableBytes) {
            self.steps.append(.write(rest))
        }
        self.pending.clear()
    }
}
