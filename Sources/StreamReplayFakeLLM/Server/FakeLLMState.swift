import NIOCore
import StreamReplayScenario

/// The script's cursor and the journal, shared by every connection of one server.
actor FakeLLMState {
    /// What to do with one chat-completions request.
    enum Decision: Sendable {
        /// Refuse it like a provider would (HTTP 400), without using up an entry.
        case reject(number: Int, message: String, param: String?)
        /// The script has no entry left: HTTP 500 naming the scenario and the request.
        case beyondScript(number: Int, chatNumber: Int)
        /// Answer with a plain HTTP response.
        case plain(number: Int, entry: Int, answer: PlainAnswer)
        /// Answer with a stream.
        case stream(number: Int, chatNumber: Int, entry: Int, plan: PlaybackPlan, headers: [Header])
    }

    /// 2026-01-01T00:00:00Z, the start of scenario wall time.
    static let created = 1_767_225_600

    let script: FakeLLMScript
    private var cursor = 0
    private var chatRequests = 0
    private var journal: [RecordedRequest] = []
    private var plans: [Int: PlaybackPlan] = [:]

    init(script: FakeLLMScript) {
        self.script = script
    }

    /// Records a request that is not a chat completion.
    func record(method: String, path: String, headers: [Header], status: Int) {
        var request = RecordedRequest(
            number: self.journal.count + 1,
            method: method,
            path: path,
            headers: headers,
            body: nil
        )
        request.status = status
        self.journal.append(request)
    }

    /// Records a chat-completions request and decides its answer.
    func decide(method: String, path: String, headers: [Header], body: [UInt8]) -> Decision {
        let parsed = try? ScenarioValue.parseJSON(body)
        var request = RecordedRequest(
            number: self.journal.count + 1,
            method: method,
            path: path,
            headers: headers,
            body: parsed
        )
        if parsed == nil {
            request.invalidBodyText = String(decoding: body.prefix(10_000), as: UTF8.self)
        }
        self.chatRequests += 1
        let number = request.number
        defer { self.journal.append(request) }
        if let problem = ConversationValidator.problem(in: parsed) {
            request.status = 400
            request.rejection = problem.message
            return .reject(number: number, message: problem.message, param: problem.param)
        }
        guard self.cursor < self.script.answers.count else {
            request.status = 500
            return .beyondScript(number: number, chatNumber: self.chatRequests)
        }
        let entry = self.cursor
        self.cursor += 1
        request.entry = entry
        switch self.script.answers[entry].body {
        case .plain(let plain):
            request.status = plain.status
            return .plain(number: number, entry: entry, answer: plain)
        case .stream(let stream):
            request.status = 200
            return .stream(
                number: number,
                chatNumber: self.chatRequests,
                entry: entry,
                plan: self.plan(entry: entry, stream: stream),
                headers: stream.headers
            )
        }
    }

    /// Notes how an answer went out.
    func finish(number: Int, writes: Int, bytes: Int, disconnected: Bool) {
        guard let position = self.journal.firstIndex(where: { $0.number == number }) else { return }
        self.journal[position].writes = writes
        self.journal[position].bytesWritten = bytes
        self.journal[position].disconnected = disconnected
    }

    /// Every request received since the start or the last reset, in order.
    func requests() -> [RecordedRequest] {
        self.journal
    }

    /// How many entries of the script were not used.
    func unusedAnswers() -> Int {
        self.script.answers.count - self.cursor
    }

    /// Rewinds the script and clears the journal.
    func reset() {
        self.cursor = 0
        self.chatRequests = 0
        self.journal = []
    }

    private func plan(entry: Int, stream: StreamAnswer) -> PlaybackPlan {
        if let plan = self.plans[entry] { return plan }
        let builder = ChunkBuilder(
            id: Self.chunkID(scenario: self.script.scenarioName, entry: entry),
            created: Self.created,
            model: stream.model ?? self.script.model
        )
        let plan = PlaybackPlan(answer: stream, builder: builder)
        self.plans[entry] = plan
        return plan
    }

    /// `chatcmpl-` and 24 characters derived from the scenario and the entry, so runs repeat.
    static func chunkID(scenario: String, entry: Int) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "\(scenario)#\(entry)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var id = "chatcmpl-"
        for _ in 0..<24 {
            hash = hash &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            id.append(alphabet[Int((hash >> 33) % UInt64(alphabet.count))])
        }
        return id
    }
}
