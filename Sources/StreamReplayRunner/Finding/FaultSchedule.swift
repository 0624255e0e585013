import Foundation
package import StreamReplayScenario

/// `run --faults SEED[:RUNS]`: how many faulted runs each scenario gets, from which seed, and
/// where the failing ones are written.
package struct FaultOptions: Sendable, Hashable {
    /// The schedule's seed: the same seed draws the same faults on any machine, at any `--jobs`.
    package var seed: Int
    /// Faulted runs per scenario, after its ordinary run.
    package var runs: Int
    /// Where each failing faulted run is written as a scenario file (`--faults-out DIR`).
    package var outDirectory: String?

    package init(seed: Int, runs: Int = 10, outDirectory: String? = nil) {
        self.seed = seed
        self.runs = runs
        self.outDirectory = outDirectory
    }

    /// `SEED` or `SEED:RUNS`; `nil` with the reason when it is neither.
    package static func parse(_ text: String) -> Result<FaultOptions, FaultSpecError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seed = Int(parts[0]), seed >= 0 else {
            return .failure(FaultSpecError(text: text, reason: "SEED is a whole number ≥ 0"))
        }
        guard parts.count == 2 else { return .success(FaultOptions(seed: seed)) }
        guard let runs = Int(parts[1]), (1...10_000).contains(runs) else {
            return .failure(FaultSpecError(text: text, reason: "RUNS is a whole number from 1 to 10000"))
        }
        return .success(FaultOptions(seed: seed, runs: runs))
    }
}

/// A `--faults` value that is not `SEED` or `SEED:RUNS`.
package struct FaultSpecError: Error, Sendable, CustomStringConvertible {
    package var text: String
    package var reason: String
    package var description: String { "'\(self.text)' is not SEED or SEED:RUNS (\(self.reason))" }
}

/// One fault drawn for one run of a scenario.
package struct DrawnFault: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case cut
        case stall
        case garbageLine = "garbage_line"
        case httpError = "http_error"
        case byteWrites = "byte_writes"
    }

    package var kind: Kind
    /// The `llm` entry (from 0): the one faulted, or, for an HTTP error, the one it answers in
    /// place of (the error is inserted before it).
    package var entry: Int
    /// The frame (from 0) a cut, a stall or a garbage line goes before.
    package var frame: Int?
    /// The status of an injected HTTP error.
    package var status: Int?
    /// The `data:` line of a garbage-line fault, line endings included.
    package var garbage: String?

    /// `cut before frame 3 of llm[1]`, `HTTP 503 before llm[0]`, …
    package var description: String {
        switch self.kind {
        case .cut: return "cut before frame \(self.frame ?? 0) of llm[\(self.entry)]"
        case .stall: return "stall past the idle timeout before frame \(self.frame ?? 0) of llm[\(self.entry)]"
        case .garbageLine: return "garbage line before frame \(self.frame ?? 0) of llm[\(self.entry)]"
        case .httpError: return "HTTP \(self.status ?? 500) in place of llm[\(self.entry)]"
        case .byteWrites: return "1-byte writes for llm[\(self.entry)]"
        }
    }

    /// The error codes the contract allows for this fault (a turn may also complete).
    package var allowedErrors: [String] {
        switch self.kind {
        case .cut: return ["stream_interrupted"]
        case .stall: return ["idle_timeout"]
        case .garbageLine: return ["invalid_chunk"]
        case .httpError: return self.status == 429 ? ["rate_limited"] : ["http_error"]
        case .byteWrites: return []
        }
    }
}

/// Draws fault schedules and writes them into scenarios.
///
/// The draws depend only on the seed, the scenario's file name and name, and its `llm` script,
/// never on the machine, the folder it is run from or `--jobs`.
package enum FaultSchedule {
    /// The `data:` lines a garbage-line fault draws from: none is JSON.
    static let garbageLines = [
        #"data: {"choices": [{"delta": {"content": "cut he"#,
        "data: not json",
        "data: }{",
        #"data: {"id": "chatcmpl-x",}"#,
    ]

    /// Statuses an injected HTTP error draws from.
    static let statuses = [429, 500, 502, 503]

    /// `runs` faults for `scenario`, drawn from `seed`; stalls only when `stalls` (an engine that
    /// carries the virtual clock). Empty when the scenario has no `llm` entry to fault.
    package static func draw(for scenario: Scenario, seed: Int, runs: Int, stalls: Bool) -> [DrawnFault] {
        let streams = scenario.llm.indices.filter { scenario.llm[$0].body.stream != nil }
        guard !scenario.llm.isEmpty else { return [] }
        var kinds: [DrawnFault.Kind] = [.httpError]
        if !streams.isEmpty {
            kinds = [.cut] + (stalls ? [.stall] : []) + [.garbageLine, .httpError, .byteWrites]
        }
        let file = URL(fileURLWithPath: scenario.file).lastPathComponent
        var random = SplitMix64(seed: UInt64(seed) ^ Self.hash("\(file)\n\(scenario.name)"))
        return (0..<runs).map { _ in
            let kind = kinds[random.below(kinds.count)]
            switch kind {
            case .httpError:
                let entry = random.below(scenario.llm.count)
                return DrawnFault(kind: kind, entry: entry, status: Self.statuses[random.below(Self.statuses.count)])
            case .byteWrites:
                return DrawnFault(kind: kind, entry: streams[random.below(streams.count)])
            case .cut, .stall, .garbageLine:
                let entry = streams[random.below(streams.count)]
                let frames = scenario.llm[entry].body.stream?.frames ?? []
                // Points after a disconnect frame are never played.
                let end = frames.firstIndex { $0.storage == .disconnect } ?? frames.count
                var fault = DrawnFault(kind: kind, entry: entry, frame: random.below(end + 1))
                if kind == .garbageLine {
                    let lineEnding = scenario.llm[entry].body.stream?.framing.lineEnding ?? "\n"
                    fault.garbage = Self.garbageLines[random.below(Self.garbageLines.count)] + lineEnding + lineEnding
                }
                return fault
            }
        }
    }

    /// The scenario file `yaml` with `fault` written into its frames (or script) and a `fault`
    /// section in place of what no longer applies: the expectations, the `request` matchers and
    /// `live`. A swept frame is played whole.
    package static func faulted(
        yaml: String,
        file: String,
        scenario: Scenario,
        fault: DrawnFault,
        seed: Int,
        run: Int,
        alsoAllowed: [String]
    ) throws(ScenarioError) -> String {
        var document = try ScenarioDocument(yaml: yaml, file: file)
        if let plan = SweepPlan(scenario) {
            document.set(nil, at: [.key("llm"), .index(plan.entry), .key("stream"), .index(plan.frame), .key("sweep")])
        }
        let entry: [ScenarioDocument.Step] = [.key("llm"), .index(fault.entry)]
        let stream = entry + [.key("stream")]
        let frame = fault.frame ?? 0
        switch fault.kind {
        case .cut:
            document.truncate(listAt: stream, to: frame)
            document.insert(
                ScenarioDocument.map([("disconnect", ScenarioDocument.plain("true"))]),
                at: frame,
                inListAt: stream
            )
        case .stall:
            let stall = scenario.engine.idleTimeoutMilliseconds + 1
            document.insert(
                ScenarioDocument.map([("delay_ms", ScenarioDocument.plain(String(stall)))]),
                at: frame,
                inListAt: stream
            )
        case .garbageLine:
            document.insert(
                ScenarioDocument.map([("raw", ScenarioDocument.string(fault.garbage ?? "data: }{\n\n"))]),
                at: frame,
                inListAt: stream
            )
        case .byteWrites:
            if document.isMap(at: entry + [.key("framing")]) {
                document.set(ScenarioDocument.plain("1"), at: entry + [.key("framing"), .key("write_size")])
            } else {
                document.set(
                    ScenarioDocument.map([("write_size", ScenarioDocument.plain("1"))]),
                    at: entry + [.key("framing")]
                )
            }
        case .httpError:
            let status = fault.status ?? 500
            let body =
                #"{"error": {"message": "injected by a fault schedule", "type": "server_error", "param": null, "code": null}}"#
            var pairs: [(String, ScenarioDocument.Node)] = [("status", ScenarioDocument.plain(String(status)))]
            if status == 429 {
                pairs.append(("headers", ScenarioDocument.map([("retry-after", ScenarioDocument.string("1"))])))
            }
            pairs.append(("body", ScenarioDocument.string(body)))
            document.insert(ScenarioDocument.map(pairs), at: fault.entry, inListAt: [.key("llm")])
        }
        // What a faulted run does not check is left out of the file.
        for index in 0..<document.count(at: [.key("llm")]) {
            document.set(nil, at: [.key("llm"), .index(index), .key("request")])
        }
        for index in 0..<document.count(at: [.key("turns")]) {
            document.set(nil, at: [.key("turns"), .index(index), .key("expect")])
        }
        document.set(nil, at: [.key("live")])
        for key in document.keys(at: [.key("expect")]) where key != "invariants" {
            document.set(nil, at: [.key("expect"), .key(key)])
        }
        if document.keys(at: [.key("expect")]).isEmpty { document.set(nil, at: [.key("expect")]) }
        var allowed: [String] = []
        for code in fault.allowedErrors + alsoAllowed where !allowed.contains(code) { allowed.append(code) }
        var section: [(String, ScenarioDocument.Node)] = [
            ("kind", ScenarioDocument.plain(fault.kind.rawValue)), ("llm", ScenarioDocument.plain(String(fault.entry))),
        ]
        if let frame = fault.frame, fault.kind != .httpError, fault.kind != .byteWrites {
            section.append(("frame", ScenarioDocument.plain(String(frame))))
        }
        section += [
            ("seed", ScenarioDocument.plain(String(seed))), ("run", ScenarioDocument.plain(String(run))),
            ("allowed_errors", ScenarioDocument.flowList(allowed.map(ScenarioDocument.plain))),
        ]
        document.set(ScenarioDocument.map(section), at: [.key("fault")])
        return document.yaml
    }

    /// The error codes the script's own answers make a turn end with, wherever a fault moves
    /// them: a 429 `rate_limited`, another error status `http_error`, an `error` frame
    /// `provider_error`.
    package static func scriptedErrors(of scenario: Scenario) -> [String] {
        var codes: [String] = []
        for answer in scenario.llm {
            if let plain = answer.body.plain, !(200..<300).contains(plain.status) {
                codes.append(plain.status == 429 ? "rate_limited" : "http_error")
            }
            if let stream = answer.body.stream,
                stream.frames.contains(where: { if case .error = $0.storage { return true } else { return false } })
            {
                codes.append("provider_error")
            }
        }
        return codes
    }

    /// FNV-1a of `text`: stable across machines and runs (unlike `Hasher`).
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// SplitMix64: a small generator whose sequence is the same everywhere for a seed (the
/// standard library's generator is not seedable).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A number in `0..<bound` (`bound` ≥ 1), the same on every platform.
    mutating func below(_ bound: Int) -> Int {
        Int(self.next() % UInt64(bound))
    }
}
