import NIOCore
import StreamReplayScenario

/// The scripts' cursors and the journal, shared by every connection of one server.
actor FakeLLMState {
    /// What to do with one chat-completions request.
    enum Decision: Sendable {
        /// Refuse it like a provider would (HTTP 400), without using up an entry.
        case reject(number: Int, problem: ConversationValidator.Problem)
        /// The script has no entry left: HTTP 500 naming the scenario and the request.
        case beyondScript(number: Int, chatNumber: Int, scenario: String, entries: Int)
        /// `--match`: no entry matches the body (HTTP 404).
        case noMatch(number: Int, message: String)
        /// Several scripts and none for the request's model (HTTP 404 `model_not_found`).
        case unknownModel(number: Int, model: String, available: [String])
        /// Answer with a plain HTTP response.
        case plain(number: Int, entry: Int, answer: PlainAnswer)
        /// Answer with a stream.
        case stream(number: Int, entry: Int, plan: PlaybackPlan, headers: [Header])
        /// Write these bytes on the socket as they are, then close.
        case rawResponse(number: Int, bytes: [UInt8])

        /// The journal number of the request decided on.
        var number: Int {
            switch self {
            case .reject(let number, _), .beyondScript(let number, _, _, _), .noMatch(let number, _),
                .unknownModel(let number, _, _), .plain(let number, _, _), .stream(let number, _, _, _),
                .rawResponse(let number, _):
                number
            }
        }

        /// The request number of an answer from the script (whose writer must account for it).
        var answerNumber: Int? {
            switch self {
            case .plain(let number, _, _), .stream(let number, _, _, _), .rawResponse(let number, _): number
            default: nil
            }
        }
    }

    /// 2026-01-01T00:00:00Z, the start of scenario wall time.
    static let created = 1_767_225_600

    /// One script and where it is.
    private struct Playing {
        var script: FakeLLMScript
        var cursor = 0
        var round = 1
        var chatRequests = 0
        /// By entry and the profile it was played in.
        var plans: [PlanKey: PlaybackPlan] = [:]
    }

    private(set) var options: FakeLLMOptions
    private var playing: [Playing]
    /// The newest requests, oldest first; `firstKept` is the number of the first one.
    private var journal: [RecordedRequest] = []
    private var received = 0
    private var counts: [Int: Int] = [:]
    /// Requests given an answer whose writer has not yet said how it went out (``finish``).
    private var answering: Set<Int> = []
    private var settledWaiters: [CheckedContinuation<Void, Never>] = []

    init(scripts: [FakeLLMScript], options: FakeLLMOptions) {
        self.playing = scripts.map { Playing(script: $0) }
        self.options = options
    }

    /// See ``FakeLLMServer/setDefaultProfile(_:)``.
    func setDefaultProfile(_ profile: StreamAnswer.Profile) {
        self.options.profile = profile
    }

    /// Every script, in order.
    var scripts: [FakeLLMScript] { self.playing.map(\.script) }

    /// Every name a request's `model` can pick a script by (``scriptIndex(for:)``): the scripts'
    /// models first, then their other names (file names) and scenario names, each once.
    var models: [String] {
        var names: [String] = []
        let scripts = self.playing.map(\.script)
        for name in scripts.flatMap(\.models) + scripts.flatMap({ $0.aliases + [$0.scenarioName] })
        where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// Records a request that is not a chat completion.
    func record(method: String, path: String, headers: [Header], status: Int) {
        var request = RecordedRequest(
            number: self.nextNumber(),
            method: method,
            path: path,
            headers: headers,
            body: nil
        )
        request.status = status
        self.keep(request)
    }

    /// Records a chat-completions request and decides its answer.
    func decide(
        method: String,
        path: String,
        headers: [Header],
        body: [UInt8],
        endpoint: StreamAnswer.Profile = .openai
    ) -> Decision {
        let parsed = try? ScenarioValue.parseJSON(body)
        // The journal keeps the body with its secrets redacted; the answer is chosen by the body sent.
        let redactor = Redactor()
        var request = RecordedRequest(
            number: self.nextNumber(),
            method: method,
            path: path,
            headers: headers,
            body: parsed.map { redactor.redact($0) }
        )
        if parsed == nil {
            request.invalidBodyText = redactor.redact(String(decoding: body.prefix(10_000), as: UTF8.self))
        }
        let number = request.number
        defer { self.keep(request) }
        if let problem = ConversationValidator.problem(in: parsed, profile: endpoint) {
            request.status = 400
            request.rejection = problem.message
            return .reject(number: number, problem: problem)
        }
        guard let index = self.scriptIndex(for: parsed?["model"]?.stringValue) else {
            request.status = 404
            return .unknownModel(number: number, model: parsed?["model"]?.stringValue ?? "", available: self.models)
        }
        request.scenario = self.playing[index].script.scenarioName
        self.playing[index].chatRequests += 1
        let entry: Int
        switch self.pick(in: index, body: parsed) {
        case .success(let picked):
            entry = picked
        case .failure(.exhausted):
            request.status = 500
            let script = self.playing[index].script
            return .beyondScript(
                number: number,
                chatNumber: self.playing[index].chatRequests,
                scenario: script.scenarioName,
                entries: script.answers.count
            )
        case .failure(.noMatch(let message)):
            request.status = 404
            request.rejection = message
            return .noMatch(number: number, message: message)
        }
        request.entry = entry
        request.round = self.playing[index].round
        self.answering.insert(number)
        switch self.playing[index].script.answers[entry].body.storage {
        case .plain(let plain):
            request.status = plain.status
            return .plain(number: number, entry: entry, answer: plain)
        case .rawResponse(let bytes):
            request.status = 0
            return .rawResponse(number: number, bytes: bytes)
        case .stream(let stream):
            // The entry's own profile, else the run's, else the endpoint's; an endpoint of
            // another profile is told where this answer is served.
            let profile = stream.namesProfile ? stream.profile : self.options.profile ?? endpoint
            guard profile == endpoint else {
                // No entry answered it (the journal says so), and none is used up.
                request.status = 404
                request.entry = nil
                request.round = nil
                self.answering.remove(number)
                if !self.options.match { self.playing[index].cursor = entry }
                let message =
                    "llm[\(entry)] is played as \(profile) (POST \(profile.path)); this request came to POST \(path)"
                request.rejection = message
                return .noMatch(number: number, message: message)
            }
            request.status = 200
            return .stream(
                number: number,
                entry: entry,
                plan: self.plan(index, entry: entry, stream: stream, profile: profile),
                headers: stream.headers
            )
        }
    }

    private enum PickFailure: Error {
        case exhausted
        case noMatch(String)
    }

    /// The entry that answers: the next one, or (`match`) the first that matches the body.
    private func pick(in index: Int, body: ScenarioValue?) -> Result<Int, PickFailure> {
        let answers = self.playing[index].script.answers
        guard !answers.isEmpty else { return .failure(.exhausted) }
        if self.options.match {
            var closest: (entry: Int, mismatch: Mismatch)?
            for (entry, answer) in answers.enumerated() {
                guard let matcher = answer.request else { return .success(entry) }
                guard let mismatch = matcher.firstMismatch(in: body, at: "request") else { return .success(entry) }
                if closest == nil || mismatch.path.count > (closest?.mismatch.path.count ?? 0) {
                    closest = (entry, mismatch)
                }
            }
            let detail =
                closest.map {
                    " (closest: llm[\($0.entry)], which differs at \($0.mismatch.path): \($0.mismatch.message))"
                } ?? ""
            return .failure(.noMatch("no llm entry matches this request\(detail)"))
        }
        if self.playing[index].cursor >= answers.count {
            guard self.options.loop else { return .failure(.exhausted) }
            self.playing[index].cursor = 0
            self.playing[index].round += 1
        }
        let entry = self.playing[index].cursor
        self.playing[index].cursor += 1
        return .success(entry)
    }

    /// With several scripts, the one whose model (or name) is the request's model.
    private func scriptIndex(for model: String?) -> Int? {
        if self.playing.count == 1 { return 0 }
        guard let model else { return nil }
        return self.playing.firstIndex { $0.script.models.contains(model) }
            ?? self.playing.firstIndex { $0.script.aliases.contains(model) || $0.script.scenarioName == model }
    }

    /// Notes how an answer went out.
    func finish(number: Int, writes: Int, bytes: Int, disconnected: Bool) {
        defer { self.accounted(number) }
        guard let first = self.journal.first?.number, number >= first, number - first < self.journal.count else {
            return
        }
        let position = number - first
        self.journal[position].writes = writes
        self.journal[position].bytesWritten = bytes
        self.journal[position].disconnected = disconnected
    }

    /// The writer of answer `number` is done with it (``finish`` says so too; a writer that
    /// failed before it could count calls this alone).
    func accounted(_ number: Int) {
        guard self.answering.remove(number) != nil, self.answering.isEmpty else { return }
        let waiters = self.settledWaiters
        self.settledWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once every answer handed out so far has been accounted for: its writes, bytes and
    /// whether it was cut are in the journal.
    func settled() async {
        guard !self.answering.isEmpty else { return }
        await withCheckedContinuation { self.settledWaiters.append($0) }
    }

    /// The requests kept (the newest `journalLimit`), in order; `since` keeps those after that number.
    func requests(since: Int = 0) -> [RecordedRequest] {
        guard let first = self.journal.first?.number else { return [] }
        let start = max(0, since + 1 - first)
        return start >= self.journal.count ? [] : Array(self.journal[start...])
    }

    /// How many requests arrived in all, and how many were answered with each status.
    func totals() -> (received: Int, byStatus: [Int: Int]) {
        (self.received, self.counts)
    }

    /// How many entries of the (first) script were not used.
    func unusedAnswers() -> Int {
        guard let first = self.playing.first else { return 0 }
        return first.script.answers.count - first.cursor
    }

    /// Rewinds every script and clears the journal.
    func reset() {
        for index in self.playing.indices {
            self.playing[index].cursor = 0
            self.playing[index].round = 1
            self.playing[index].chatRequests = 0
        }
        self.journal = []
        self.counts = [:]
    }

    /// Replaces the scripts (a reload); cursors start again, the journal stays.
    func replace(scripts: [FakeLLMScript]) {
        self.playing = scripts.map { Playing(script: $0) }
    }

    private func nextNumber() -> Int {
        self.received += 1
        return self.received
    }

    private func keep(_ request: RecordedRequest) {
        self.counts[request.status, default: 0] += 1
        self.journal.append(request)
        if self.journal.count > self.options.journalLimit {
            self.journal.removeFirst(self.journal.count - self.options.journalLimit)
        }
    }

    struct PlanKey: Hashable {
        var entry: Int
        var profile: StreamAnswer.Profile
    }

    private func plan(_ index: Int, entry: Int, stream: StreamAnswer, profile: StreamAnswer.Profile) -> PlaybackPlan {
        let key = PlanKey(entry: entry, profile: profile)
        if let plan = self.playing[index].plans[key] { return plan }
        let script = self.playing[index].script
        let builder = ChunkBuilder(
            id: Self.chunkID(scenario: script.scenarioName, entry: entry),
            created: Self.created,
            model: stream.model ?? script.model
        )
        let plan = PlaybackPlan(answer: stream, builder: builder, profile: profile)
        self.playing[index].plans[key] = plan
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
