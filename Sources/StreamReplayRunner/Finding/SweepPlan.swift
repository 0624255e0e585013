import StreamReplayFakeLLM
package import StreamReplayScenario

/// The cut points of a scenario's swept frame (`sweep: true` or `sweep: bytes`), and the variant
/// of the scenario that plays each one.
package struct SweepPlan: Sendable {
    /// How the frame is cut.
    package var mode: Sweep
    /// The `llm` entry and the frame within its stream (both from 0).
    package var entry: Int
    package var frame: Int
    /// The line of the swept frame's answer in its file.
    package var line: Int
    /// The Unicode scalars of the swept string (`true`), or the bytes of the encoded event
    /// (`bytes`), so that a cut point can be shown.
    private var scalars: [Unicode.Scalar]
    private var bytes: [UInt8]

    /// The plan of `scenario`'s swept frame; `nil` when no frame sweeps. `profile` is the run's
    /// `--profile`: `sweep: bytes` cuts the bytes of the frame's events in the profile it plays
    /// in (an adapter's `ready.profile` is not known yet here: the entry's own, else `profile`,
    /// else `openai`).
    package init?(_ scenario: Scenario, profile: Scenario.StreamAnswer.Profile? = nil) {
        for (entry, answer) in scenario.llm.enumerated() {
            guard let stream = answer.body.stream else { continue }
            for (index, frame) in stream.frames.enumerated() {
                guard let chunk = frame.chunk, let mode = chunk.sweep else { continue }
                self.mode = mode
                self.entry = entry
                self.frame = index
                self.line = answer.line
                self.scalars = Array((chunk.cutString ?? "").unicodeScalars)
                self.bytes =
                    mode == .bytes
                    ? FakeLLMScript(scenario: scenario).eventBytes(entry: entry, frame: index, profile: profile) ?? []
                    : []
                return
            }
        }
        return nil
    }

    /// How many cut points there are: one fewer than the scalars or bytes.
    package var cutPoints: Int {
        max(0, (self.mode == .bytes ? self.bytes.count : self.scalars.count) - 1)
    }

    /// The cut points played under `limit`: the first `limit` of them (1, 2, …).
    package func cuts(limit: Int) -> ClosedRange<Int>? {
        let count = min(self.cutPoints, max(0, limit))
        return count == 0 ? nil : 1...count
    }

    /// `scenario` with its swept frame cut in two before scalar (or byte) `cut`.
    package func variant(of scenario: Scenario, cut: Int) -> Scenario {
        self.changingFrame(of: scenario) { $0.cut = cut }
    }

    private func changingFrame(of scenario: Scenario, _ change: (inout ChunkFrame) -> Void) -> Scenario {
        var changed = scenario
        guard var stream = changed.llm[self.entry].body.stream, var chunk = stream.frames[self.frame].chunk else {
            return changed
        }
        change(&chunk)
        stream.frames[self.frame] = .chunk(chunk)
        changed.llm[self.entry].body = .stream(stream)
        return changed
    }

    /// The cut point in words: `scalar 7 ("Hello, " | "world")` or `byte 12 ("data: {\"id" | …)`.
    package func describe(cut: Int) -> String {
        switch self.mode {
        case .bytes:
            let first = Self.shown(bytes: self.bytes[..<min(cut, self.bytes.count)], fromEnd: true)
            let second = Self.shown(bytes: self.bytes[min(cut, self.bytes.count)...], fromEnd: false)
            return "byte \(cut) (\(first) | \(second))"
        default:
            var first = String.UnicodeScalarView()
            first.append(contentsOf: self.scalars[..<min(cut, self.scalars.count)])
            var second = String.UnicodeScalarView()
            second.append(contentsOf: self.scalars[min(cut, self.scalars.count)...])
            return
                "scalar \(cut) (\(Self.quoted(String(first), fromEnd: true)) | \(Self.quoted(String(second), fromEnd: false)))"
        }
    }

    /// A quoted piece, at most 24 characters of it (the ones next to the cut).
    private static func quoted(_ text: String, fromEnd: Bool) -> String {
        let limit = 24
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > limit else { return ScenarioValue.string(text).jsonString }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: fromEnd ? scalars[(scalars.count - limit)...] : scalars[..<limit])
        let body = ScenarioValue.string(String(kept)).jsonString.dropFirst().dropLast()
        return fromEnd ? "\"…\(body)\"" : "\"\(body)…\""
    }

    /// Bytes shown as text where they are UTF-8, `\xNN` where not (a character cut in two).
    private static func shown(bytes: ArraySlice<UInt8>, fromEnd: Bool) -> String {
        let limit = 24
        let kept = fromEnd ? bytes.suffix(limit) : bytes.prefix(limit)
        var text = ""
        var index = kept.startIndex
        while index < kept.endIndex {
            // The longest valid UTF-8 sequence at `index`, else one byte as an escape.
            var decoded: String?
            for length in (1...4).reversed() where index + length <= kept.endIndex {
                if let piece = String(validating: kept[index..<(index + length)], as: UTF8.self),
                    piece.unicodeScalars.count == 1
                {
                    decoded = piece
                    index += length
                    break
                }
            }
            if let decoded {
                text += ScenarioValue.string(decoded).jsonString.dropFirst().dropLast()
            } else {
                text += "\\x" + String(kept[index], radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        let cutShort = kept.count < bytes.count
        return fromEnd ? "\"\(cutShort ? "…" : "")\(text)\"" : "\"\(text)\(cutShort ? "…" : "")\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
