import Foundation
package import NIOCore
import StreamReplayEngine
package import StreamReplayFakeLLM
import StreamReplayScenario
import Synchronization

/// What happened in one scenario run, in the order it happened, on one time axis: each request
/// the engine sent, each write the fake made, each message the engine yielded and each event its
/// store committed. The HTML report draws it for a failure.
package struct Timeline: Sendable {
    /// Who did it.
    package enum Lane: String, Sendable, CaseIterable {
        /// A request reached the fake.
        case request
        /// The fake wrote response bytes or ended an answer.
        case fake
        /// The engine started a turn or yielded a message.
        case engine
        /// The engine's store committed an event.
        case store
    }

    /// One thing that happened.
    package struct Entry: Sendable, Hashable {
        /// When: scenario milliseconds since the run started (real ones for an engine in real time).
        package var milliseconds: Int
        package var lane: Lane
        /// One line: `wrote 57 bytes: data: {"choices"…`.
        package var summary: String
        /// All of it (the bytes written, the message's or event's JSON), at most a few KB.
        package var detail: String?
        /// A cut, an error message, an HTTP error: what a person looks for first.
        package var alert: Bool
        /// The 0-based turn it belongs to, when known.
        package var turn: Int?
    }

    /// Whether ``Entry/milliseconds`` are scenario (virtual) time; `false` for real time.
    package var virtual: Bool
    package var entries: [Entry]
    /// Entries left out beyond ``TimelineRecorder/entryLimit``.
    package var omitted: Int

    /// The last instant of the run.
    package var endMilliseconds: Int { self.entries.last?.milliseconds ?? 0 }
}

/// Collects a ``Timeline`` as the run goes: the fake's tap, the sessions' messages and commits,
/// each stamped with the run's clock when it happens.
package final class TimelineRecorder: FakeLLMTap, Sendable {
    /// A run keeps at most this many entries (a 100,000-chunk answer would make a page nobody
    /// reads); the rest are counted.
    package static let entryLimit = 4000
    /// Bytes of one write kept for the page.
    static let bytesKept = 4096

    private enum Raw: Sendable {
        case arrived(request: Int)
        case wrote(request: Int, size: Int, bytes: [UInt8])
        case ended(request: Int, how: FakeLLMAnswerEnd)
        case turn(index: Int, user: String, requestID: String)
        case yielded(copy: Int, message: ChatMessage)
        case committed(StoredEvent)
    }

    private struct State {
        var items: [(milliseconds: Int, raw: Raw, turn: Int?)] = []
        var omitted = 0
        var turn: Int?
        var ended: Set<Int> = []
    }

    private struct Time: Sendable {
        var now: @Sendable () -> Int = { 0 }
        var virtual: @Sendable () -> Bool = { true }
    }

    private let state = Mutex(State())
    private let time = Mutex(Time())

    /// A recorder on no clock yet (every entry at 0 until ``start(now:virtual:)``), so that the
    /// runner holds it before the run, and still has what it saw if the run hangs.
    package init() {}

    /// Puts the recorder on the run's clock.
    ///
    /// - Parameters:
    ///   - now: The run's time in milliseconds.
    ///   - virtual: Whether that time is scenario time (read at the end).
    func start(now: @escaping @Sendable () -> Int, virtual: @escaping @Sendable () -> Bool) {
        self.time.withLock { $0 = Time(now: now, virtual: virtual) }
    }

    private func now() -> Int {
        self.time.withLock { $0.now }()
    }

    private func append(_ raw: Raw) {
        let milliseconds = self.now()
        self.state.withLock { state in
            guard state.items.count < Self.entryLimit else {
                state.omitted += 1
                return
            }
            state.items.append((milliseconds, raw, state.turn))
        }
    }

    package func requestArrived(number: Int) {
        self.append(.arrived(request: number))
    }

    package func wrote(_ bytes: ByteBuffer, requestNumber: Int) {
        self.append(
            .wrote(
                request: requestNumber,
                size: bytes.readableBytes,
                bytes: Array(bytes.readableBytesView.prefix(Self.bytesKept))
            )
        )
    }

    package func answerEnded(requestNumber: Int, how: FakeLLMAnswerEnd) {
        // An answer ends once: the client closing after the last byte is not news.
        let first = self.state.withLock { $0.ended.insert(requestNumber).inserted }
        if first { self.append(.ended(request: requestNumber, how: how)) }
    }

    /// Turn `index` (0-based) starts; what follows belongs to it.
    func turnStarted(_ index: Int, turn: Turn) {
        self.state.withLock { $0.turn = index }
        self.append(.turn(index: index, user: turn.user, requestID: turn.requestID))
    }

    /// The engine yielded `message` to copy `copy` of the current turn.
    func yielded(_ message: ChatMessage, copy: Int) {
        self.append(.yielded(copy: copy, message: message))
    }

    /// The store committed `events` (one transaction).
    func committed(_ events: [StoredEvent]) {
        for event in events { self.append(.committed(event)) }
    }

    /// Whether any commit was seen as it happened (in process); an adapter reports its commits
    /// only at the end.
    var sawCommits: Bool {
        self.state.withLock { state in
            state.items.contains { if case .committed = $0.raw { true } else { false } }
        }
    }

    /// Commits an engine reported only at the end, placed by their `created_at` (scenario wall
    /// time) when it is on the run's axis, else at the end.
    func reportedCommits(_ events: [StoredEvent]) {
        let end = self.now()
        self.state.withLock { state in
            for event in events {
                guard state.items.count < Self.entryLimit else {
                    state.omitted += 1
                    continue
                }
                let stamped = Self.scenarioMilliseconds(event.createdAt).flatMap { $0 <= end ? $0 : nil }
                let milliseconds = stamped ?? end
                let position = state.items.lastIndex { $0.milliseconds <= milliseconds }.map { $0 + 1 } ?? 0
                state.items.insert((milliseconds, .committed(event), nil), at: position)
            }
        }
    }

    /// `2026-01-01T00:00:01.250Z` → 1250 (scenario wall time starts at 2026-01-01T00:00:00Z).
    static func scenarioMilliseconds(_ text: String) -> Int? {
        let prefix = "2026-01-01T"
        guard text.hasPrefix(prefix), text.hasSuffix("Z") else { return nil }
        let clock = text.dropFirst(prefix.count).dropLast()
        let parts = clock.split(separator: ":")
        guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]) else { return nil }
        let seconds = parts[2].split(separator: ".")
        guard let whole = Int(seconds[0]) else { return nil }
        let digits = seconds.count > 1 ? String(seconds[1].prefix(3)) : "0"
        guard let fraction = Int(digits + String(repeating: "0", count: 3 - digits.count)) else { return nil }
        return ((hours * 60 + minutes) * 60 + whole) * 1000 + fraction
    }

    /// The timeline, with each request described from the fake's journal (a run that hung has
    /// none: its requests are named by number only).
    package func timeline(requests: [RecordedRequest] = []) -> Timeline {
        let byNumber = Dictionary(requests.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        let (items, omitted) = self.state.withLock { ($0.items, $0.omitted) }
        let entries = items.map { item in
            var entry = Self.entry(item.raw, requests: byNumber)
            entry.milliseconds = item.milliseconds
            if entry.turn == nil { entry.turn = item.turn }
            return entry
        }
        return Timeline(virtual: self.time.withLock { $0.virtual }(), entries: entries, omitted: omitted)
    }

    private static func entry(_ raw: Raw, requests: [Int: RecordedRequest]) -> Timeline.Entry {
        switch raw {
        case .arrived(let number):
            guard let request = requests[number] else {
                return .init(milliseconds: 0, lane: .request, summary: "request \(number)", alert: false)
            }
            var summary = "request \(number): \(request.method) \(request.path)"
            let messages = request.body?["messages"]?.arrayValue ?? []
            summary += ", \(messages.count) message\(messages.count == 1 ? "" : "s")"
            if let last = messages.last {
                let role = last["role"]?.stringValue ?? "?"
                let content = last["content"]?.stringValue ?? last["content"].map(\.jsonString) ?? ""
                summary += ", last \(role): \(Transcript.short(content))"
            }
            let alert: Bool
            switch (request.entry, request.status) {
            case (let entry?, let status):
                summary += " → llm[\(entry)]" + (status == 200 ? "" : ", HTTP \(status)")
                alert = status >= 400
            case (nil, let status):
                summary += status == 0 ? " → no answer" : " → HTTP \(status)"
                if let rejection = request.rejection { summary += " (\(Transcript.short(rejection)))" }
                alert = true
            }
            let detail = request.body.map(\.jsonString) ?? request.invalidBodyText
            return .init(
                milliseconds: 0,
                lane: .request,
                summary: summary,
                detail: detail.map(Self.bounded),
                alert: alert
            )
        case .wrote(let number, let size, let bytes):
            let text = Self.visible(bytes)
            var summary = "wrote \(size) byte\(size == 1 ? "" : "s")"
            if requests.count > 1 { summary += " (request \(number))" }
            summary += ": " + (Self.eventsPreview(bytes) ?? Self.preview(text))
            let more = size > bytes.count ? "\n… \(size - bytes.count) more bytes" : ""
            return .init(milliseconds: 0, lane: .fake, summary: summary, detail: text + more, alert: false)
        case .ended(let number, let how):
            switch how {
            case .complete:
                return .init(
                    milliseconds: 0,
                    lane: .fake,
                    summary: "answer to request \(number) complete",
                    alert: false
                )
            case .cut:
                return .init(
                    milliseconds: 0,
                    lane: .fake,
                    summary: "cut the connection of request \(number) (disconnect)",
                    alert: true
                )
            case .clientGone:
                return .init(
                    milliseconds: 0,
                    lane: .fake,
                    summary: "the client closed request \(number) before its answer was written",
                    alert: true
                )
            }
        case .turn(let index, let user, let requestID):
            return .init(
                milliseconds: 0,
                lane: .engine,
                summary: "turn \(index + 1) (\(requestID)) starts: user \(Transcript.short(user))",
                alert: false,
                turn: index
            )
        case .yielded(let copy, let message):
            let copyNote = copy > 0 ? " (copy \(copy + 1))" : ""
            var summary = "yielded \(message.type.rawValue)\(copyNote)"
            if !message.content.isEmpty { summary += " " + Transcript.short(message.content) }
            if let code = message.errorCode { summary += " [\(code)]" }
            return .init(
                milliseconds: 0,
                lane: .engine,
                summary: summary,
                detail: Self.bounded(ObservationValues.message(message).jsonString),
                alert: message.type == .error
            )
        case .committed(let event):
            var summary = "committed \(event.type) seq \(event.seq)"
            if !event.content.isEmpty { summary += " " + Transcript.short(event.content) }
            return .init(
                milliseconds: 0,
                lane: .store,
                summary: summary,
                detail: Self.bounded(ObservationValues.event(event).jsonString),
                alert: false
            )
        }
    }

    /// Bytes as text: UTF-8 where it decodes, `\xNN` where it does not, line endings shown
    /// (`\r` as `␍`) and kept as line breaks.
    static func visible(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                text += "␍"
                index += 1
                continue
            }
            if byte == 0x0A || (byte >= 0x20 && byte < 0x7F) || byte == 0x09 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let length = Self.sequenceLength(byte)
            if length > 1, index + length <= bytes.count,
                let scalar = String(validating: bytes[index..<(index + length)], as: UTF8.self)
            {
                text += scalar
                index += length
                continue
            }
            text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            index += 1
        }
        return text
    }

    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
    }

    /// What the chat-completions events of one write carry, in a few words each
    /// (`content "Once upon " · finish stop · [DONE]`); `nil` when the bytes are not whole
    /// `data:` lines of JSON chunks (a cut piece, garbage, a plain answer): the raw preview then.
    static func eventsPreview(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        var parts: [String] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            if line.hasPrefix(":") {
                parts.append("comment")
                continue
            }
            guard line.hasPrefix("data:") else {
                if line.hasPrefix("event:") || line.hasPrefix("id:") || line.hasPrefix("retry:") { continue }
                return nil
            }
            let payload = line.dropFirst("data:".count).drop { $0 == " " }
            if payload == "[DONE]" {
                parts.append("[DONE]")
                continue
            }
            guard let chunk = try? ScenarioValue.parseJSON(Array(payload.utf8)) else { return nil }
            parts.append(Self.describe(chunk: chunk))
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// `content "Hel"`, `tool_call 0 call_1 get_weather "{\"ci"`, `finish stop`, `error …`.
    private static func describe(chunk: ScenarioValue) -> String {
        if let error = chunk["error"] {
            return "error " + Self.preview(error["message"]?.stringValue ?? error.jsonString)
        }
        guard let choice = chunk["choices"]?.arrayValue?.first else {
            return chunk["usage"] != nil ? "usage" : Self.preview(chunk.jsonString)
        }
        var words: [String] = []
        let delta = choice["delta"]
        if let role = delta?["role"]?.stringValue { words.append("role \(role)") }
        if let content = delta?["content"]?.stringValue { words.append("content " + Transcript.short(content)) }
        if let refusal = delta?["refusal"]?.stringValue { words.append("refusal " + Transcript.short(refusal)) }
        for call in delta?["tool_calls"]?.arrayValue ?? [] {
            var callWords = ["tool_call \(call["index"].map(\.jsonString) ?? "?")"]
            if let id = call["id"]?.stringValue { callWords.append(id) }
            if let name = call["function"]?["name"]?.stringValue { callWords.append(name) }
            if let arguments = call["function"]?["arguments"]?.stringValue, !arguments.isEmpty {
                callWords.append(Transcript.short(arguments))
            }
            words.append(callWords.joined(separator: " "))
        }
        if let finish = choice["finish_reason"]?.stringValue { words.append("finish \(finish)") }
        return words.isEmpty ? "empty delta" : words.joined(separator: ", ")
    }

    /// The first line or so of `text`, for a summary.
    static func preview(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "⏎")
        return oneLine.count > 72 ? String(oneLine.prefix(72)) + "…" : oneLine
    }

    private static func bounded(_ text: String) -> String {
        text.utf8.count > 8192 ? String(decoding: text.utf8.prefix(8192), as: UTF8.self) + "…" : text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
