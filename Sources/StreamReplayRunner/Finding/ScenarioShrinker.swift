import Foundation
package import StreamReplayScenario

/// `stream-replay shrink`: delta debugging (Zeller's ddmin) over a failing scenario file.
///
/// Every candidate is the original file's YAML tree with parts left out (``ScenarioDocument``),
/// loaded by the ordinary loader and played by the ordinary runner; a candidate is kept only
/// when it still fails the same way: its failures include the original's first failure key
/// (``failureKey(_:)``). The steps, repeated while something gets smaller: frames; merged and
/// cut `text` / `raw` contents; turns, `llm` entries, tools and expectations.
package struct ScenarioShrinker: Sendable {
    /// What a shrink found.
    package struct Outcome: Sendable {
        /// The smallest failing scenario's YAML.
        package var yaml: String
        /// The failure key it keeps failing with.
        package var key: String
        /// Runs made (the first one, of the original, included).
        package var runs: Int
        /// Frames, turns, tools, `llm` entries before and after.
        package var before: Size
        package var after: Size
        /// The run budget ran out before no step could shrink further.
        package var budgetExhausted: Bool
    }

    /// How big a scenario is, in the parts a shrink removes.
    package struct Size: Sendable, Hashable {
        package var frames: Int
        package var turns: Int
        package var tools: Int
        package var answers: Int
        package var expectations: Int
    }

    /// Why there is nothing to shrink.
    package enum Refusal: Error, Sendable {
        /// The file is wrong (its diagnostics).
        case wrongFile(ScenarioError)
        /// The scenario passes (or is skipped): nothing fails to keep.
        case passes(ScenarioResult.Verdict, String?)
        /// The engine could not play it at all (an adapter that broke the protocol).
        case errored(String)
    }

    let runner: ScenarioRunner
    let maxRuns: Int
    let progress: @Sendable (String) -> Void

    package init(runner: ScenarioRunner, maxRuns: Int = 2000, progress: @escaping @Sendable (String) -> Void) {
        self.runner = runner
        self.maxRuns = max(1, maxRuns)
        self.progress = progress
    }

    /// The key a failure is compared by: its path up to the expectation or invariant, list
    /// indices and copy numbers left out (`turns[2](copy 2).expect.messages[0].content` is
    /// `turns.expect.messages`).
    package static func failureKey(_ path: String) -> String {
        var cleaned = ""
        var depth = 0
        for character in path {
            switch character {
            case "[", "(": depth += 1
            case "]", ")": depth = max(0, depth - 1)
            default: if depth == 0 { cleaned.append(character) }
            }
        }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return path }
        switch first {
        case "turns": return parts.prefix(3).joined(separator: ".")
        case "expect", "live", "invariant", "wire", "fault", "llm": return parts.prefix(2).joined(separator: ".")
        default: return first
        }
    }

    /// Shrinks the scenario file `yaml` (read from `file`).
    package func shrink(yaml: String, file: String) async throws(Refusal) -> Outcome {
        let original: Scenario
        do {
            original = try ScenarioLoader().load(yaml: yaml, file: file)
        } catch {
            throw .wrongFile(error)
        }
        let first = await self.runner.runPlayed(original)
        switch first.verdict {
        case .fail:
            break
        case .error:
            throw .errored(first.failures.first?.message ?? "the engine could not play the scenario")
        case .pass, .skipped:
            throw .passes(first.verdict, first.skipReason)
        }
        let key = Self.failureKey(first.failures.first?.path ?? "run")
        let keys = Set(first.failures.map { Self.failureKey($0.path) })
        let document: ScenarioDocument
        do {
            document = try ScenarioDocument(yaml: yaml, file: file)
        } catch {
            throw .wrongFile(error)
        }
        var search = Search(
            runner: self.runner,
            file: file,
            key: key,
            keys: keys,
            maxRuns: self.maxRuns,
            progress: self.progress,
            best: document
        )
        search.runs = 1
        let before = Search.size(of: document)
        self.progress(
            "shrink: \(file) fails at \(key); \(counted(before.frames, "frame")), \(counted(before.turns, "turn"))"
        )
        await search.run()
        return Outcome(
            yaml: search.best.yaml,
            key: key,
            runs: search.runs,
            before: before,
            after: Search.size(of: search.best),
            budgetExhausted: search.exhausted
        )
    }
}

/// The state of one shrink: the smallest failing document so far and the runs made.
private struct Search {
    let runner: ScenarioRunner
    let file: String
    let key: String
    /// Every failure key of the original: a candidate that fails in a way the original did not
    /// (a request beyond the script, a turn that now fails) fails differently, even when the
    /// failure kept is among its failures.
    let keys: Set<String>
    let maxRuns: Int
    let progress: @Sendable (String) -> Void
    var best: ScenarioDocument
    var runs = 0
    var exhausted = false
    /// Candidates already judged, by their YAML.
    var seen: [String: Bool] = [:]

    typealias Step = ScenarioDocument.Step

    // MARK: The steps

    mutating func run() async {
        var previous: ScenarioShrinker.Size?
        while !self.exhausted, previous != Self.size(of: self.best) {
            previous = Self.size(of: self.best)
            await self.shrinkFrames()
            await self.mergeFrames()
            await self.cutContents()
            await self.shrinkList([.key("turns")], keepOne: true)
            await self.shrinkList([.key("llm")], keepOne: false)
            await self.shrinkList([.key("tools")], keepOne: false)
            await self.shrinkExpectations()
            if Task.isCancelled { break }
        }
    }

    /// ddmin over every frame of every streamed answer at once.
    private mutating func shrinkFrames() async {
        let frames = Self.frames(of: self.best)
        guard !frames.isEmpty else { return }
        let base = self.best
        _ = await self.ddmin(frames) { kept in
            var candidate = base
            for entry in Set(frames.map(\.entry)) {
                let nodes = kept.filter { $0.entry == entry }.compactMap {
                    base.node(at: [.key("llm"), .index($0.entry), .key("stream"), .index($0.index)])
                }
                candidate.set(ScenarioDocument.list(nodes), at: [.key("llm"), .index(entry), .key("stream")])
            }
            return candidate
        }
    }

    /// Merges neighbouring frames that hold only `text` (or only `raw`) into one, left to right.
    private mutating func mergeFrames() async {
        for entry in 0..<self.best.count(at: [.key("llm")]) {
            var index = 0
            while index + 1 < self.best.count(at: [.key("llm"), .index(entry), .key("stream")]), !self.exhausted {
                let stream: [Step] = [.key("llm"), .index(entry), .key("stream")]
                let first = stream + [.index(index)]
                let second = stream + [.index(index + 1)]
                var merged = false
                for key in ["text", "raw"]
                where self.best.keys(at: first) == [key] && self.best.keys(at: second) == [key] {
                    guard let a = self.best.scalar(at: first + [.key(key)]),
                        let b = self.best.scalar(at: second + [.key(key)])
                    else { continue }
                    var candidate = self.best
                    candidate.set(ScenarioDocument.string(a + b), at: first + [.key(key)])
                    candidate.set(nil, at: second)
                    if await self.accept(candidate) {
                        merged = true
                    }
                }
                if !merged { index += 1 }
            }
        }
    }

    /// ddmin over the Unicode scalars of each `text` and `raw` string (and each call's string
    /// `arguments`).
    private mutating func cutContents() async {
        for entry in 0..<self.best.count(at: [.key("llm")]) {
            let stream: [Step] = [.key("llm"), .index(entry), .key("stream")]
            for index in 0..<self.best.count(at: stream) {
                for path in [stream + [.index(index), .key("text")], stream + [.index(index), .key("raw")]] {
                    guard !self.exhausted, let text = self.best.scalar(at: path), text.unicodeScalars.count > 1
                    else { continue }
                    let base = self.best
                    let scalars = Array(text.unicodeScalars)
                    _ = await self.ddmin(Array(scalars.indices)) { kept in
                        var view = String.UnicodeScalarView()
                        view.append(contentsOf: kept.map { scalars[$0] })
                        var candidate = base
                        candidate.set(ScenarioDocument.string(String(view)), at: path)
                        return candidate
                    }
                }
            }
        }
    }

    /// ddmin over the items of the list at `path` (at least one kept when `keepOne`).
    private mutating func shrinkList(_ path: [Step], keepOne: Bool) async {
        let count = self.best.count(at: path)
        guard count > (keepOne ? 1 : 0) else { return }
        let base = self.best
        _ = await self.ddmin(Array(0..<count), allowEmpty: !keepOne) { kept in
            var candidate = base
            let nodes = kept.compactMap { base.node(at: path + [.index($0)]) }
            candidate.set(ScenarioDocument.list(nodes), at: path)
            return candidate
        }
    }

    /// Drops expectation keys (of `expect` and of each turn's `expect`) and `request` matchers
    /// the failure does not need, one at a time.
    private mutating func shrinkExpectations() async {
        var places: [[Step]] = []
        for key in self.best.keys(at: [.key("expect")]) { places.append([.key("expect"), .key(key)]) }
        for turn in 0..<self.best.count(at: [.key("turns")]) {
            for key in self.best.keys(at: [.key("turns"), .index(turn), .key("expect")]) {
                places.append([.key("turns"), .index(turn), .key("expect"), .key(key)])
            }
        }
        for entry in 0..<self.best.count(at: [.key("llm")])
        where self.best.node(at: [.key("llm"), .index(entry), .key("request")]) != nil {
            places.append([.key("llm"), .index(entry), .key("request")])
        }
        for key in ["description", "tags", "live"] where self.best.node(at: [.key(key)]) != nil {
            places.append([.key(key)])
        }
        for place in places where !self.exhausted {
            var candidate = self.best
            candidate.set(nil, at: place)
            // An `expect` map left empty goes too.
            for parent in [Array(place.dropLast())] where parent.last == .key("expect") {
                if candidate.keys(at: parent).isEmpty { candidate.set(nil, at: parent) }
            }
            _ = await self.accept(candidate)
        }
    }

    // MARK: ddmin

    /// Zeller's ddmin over `items`: the smallest subset found for which `make` builds a
    /// candidate that still fails the same way (that candidate becomes ``best``).
    private mutating func ddmin<Item>(
        _ items: [Item],
        allowEmpty: Bool = true,
        _ make: ([Item]) -> ScenarioDocument
    ) async -> [Item] {
        var items = items
        if allowEmpty, !items.isEmpty, await self.accept(make([])) { return [] }
        var granularity = 2
        while items.count >= 2, !self.exhausted {
            let chunks = Self.split(items, into: granularity)
            var reduced = false
            // A chunk alone still fails: keep only it.
            for chunk in chunks where chunks.count > 1 {
                if await self.accept(make(chunk)) {
                    items = chunk
                    granularity = 2
                    reduced = true
                    break
                }
                if self.exhausted { return items }
            }
            // Without one chunk it still fails: drop that chunk.
            if !reduced {
                for index in chunks.indices where chunks.count > 2 || granularity > 2 {
                    let complement = chunks.enumerated().filter { $0.offset != index }.flatMap(\.element)
                    if await self.accept(make(complement)) {
                        items = complement
                        granularity = max(granularity - 1, 2)
                        reduced = true
                        break
                    }
                    if self.exhausted { return items }
                }
            }
            if !reduced {
                if granularity >= items.count { break }
                granularity = min(granularity * 2, items.count)
            }
        }
        if items.count == 1, allowEmpty, await self.accept(make([])) { return [] }
        return items
    }

    private static func split<Item>(_ items: [Item], into parts: Int) -> [[Item]] {
        let parts = max(1, min(parts, items.count))
        var chunks: [[Item]] = []
        var start = 0
        for part in 0..<parts {
            let end = start + (items.count - start) / (parts - part)
            chunks.append(Array(items[start..<end]))
            start = end
        }
        return chunks
    }

    /// Plays `candidate`; when it still fails the same way it becomes ``best``. A candidate that
    /// left answers unused (it dropped the turns that used them) is tried again without them.
    private mutating func accept(_ candidate: ScenarioDocument) async -> Bool {
        var candidate = candidate
        var yaml = candidate.yaml
        if let known = self.seen[yaml] { return known }
        var fails = false
        var attempts = 0
        while attempts < 2 {
            attempts += 1
            guard let result = await self.play(yaml) else { break }
            let unused = result.failures.first { $0.expected == "every answer used" }
            let keys = Set(result.failures.map { ScenarioShrinker.failureKey($0.path) })
            fails = result.verdict == .fail && keys.contains(self.key) && keys.isSubset(of: self.keys)
            guard !fails, attempts == 1, let unused, !self.keys.contains(ScenarioShrinker.failureKey(unused.path)),
                let count = Int(unused.actual.prefix { $0.isNumber })
            else { break }
            let remaining = candidate.count(at: [.key("llm")]) - count
            guard remaining >= 0 else { break }
            self.seen[yaml] = false
            candidate.truncate(listAt: [.key("llm")], to: remaining)
            yaml = candidate.yaml
            if let known = self.seen[yaml] { return known }
        }
        self.seen[yaml] = fails
        if fails {
            self.best = candidate
            let size = Self.size(of: candidate)
            self.progress(
                "shrink: \(counted(size.frames, "frame")), \(counted(size.turns, "turn")), \(counted(size.tools, "tool")), "
                    + "\(counted(size.expectations, "expectation")) left; \(counted(self.runs, "run"))"
            )
        }
        return fails
    }

    /// Loads and plays `yaml`; `nil` when it does not load (no run) or the budget is spent.
    private mutating func play(_ yaml: String) async -> ScenarioResult? {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader().load(yaml: yaml, file: self.file)
        } catch {
            return nil
        }
        guard self.runs < self.maxRuns else {
            self.exhausted = true
            return nil
        }
        self.runs += 1
        return await self.runner.runPlayed(scenario)
    }

    // MARK: Measuring

    static func frames(of document: ScenarioDocument) -> [(entry: Int, index: Int)] {
        (0..<document.count(at: [.key("llm")])).flatMap { entry in
            (0..<document.count(at: [.key("llm"), .index(entry), .key("stream")])).map { (entry, $0) }
        }
    }

    static func size(of document: ScenarioDocument) -> ScenarioShrinker.Size {
        var expectations = document.keys(at: [.key("expect")]).count
        for turn in 0..<document.count(at: [.key("turns")]) {
            expectations += document.keys(at: [.key("turns"), .index(turn), .key("expect")]).count
        }
        return ScenarioShrinker.Size(
            frames: Self.frames(of: document).count,
            turns: document.count(at: [.key("turns")]),
            tools: document.count(at: [.key("tools")]),
            answers: document.count(at: [.key("llm")]),
            expectations: expectations
        )
    }
}

/// `1 frame`, `2 frames`.
package func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
