import Foundation

/// Writes scenario files: the YAML of a scenario built from recorded or imported traffic.
///
/// Strings are written as JSON-style double-quoted YAML strings and values in JSON flow style
/// (JSON is YAML), so every byte round-trips through the loader exactly; bytes that are not
/// UTF-8 go into `raw_base64` frames.
package struct ScenarioWriter: Sendable {
    /// One answer of the `llm` section.
    package struct Answer: Sendable {
        /// The `request` matcher, as a JSON-shaped value (written as is).
        package var request: ScenarioValue?
        /// The frames, in order.
        package var frames: [WrittenFrame]
        /// `done: false` (the frames already hold the stream's end).
        package var sendsDone: Bool
        /// A plain HTTP answer instead of a stream: status, headers and body.
        package var plain: (status: Int, headers: [(String, String)], body: String)?
        /// The wire format the frames are in (`profile:`), when not chat completions.
        package var profile: Scenario.StreamAnswer.Profile?

        package init(request: ScenarioValue? = nil, frames: [WrittenFrame], sendsDone: Bool = false) {
            self.request = request
            self.frames = frames
            self.sendsDone = sendsDone
            self.plain = nil
        }

        package init(request: ScenarioValue? = nil, status: Int, headers: [(String, String)], body: String) {
            self.request = request
            self.frames = []
            self.sendsDone = false
            self.plain = (status, headers, body)
        }
    }

    /// A frame to write.
    package enum WrittenFrame: Sendable, Hashable {
        case raw([UInt8])
        case chunk(ScenarioValue)
        case delay(milliseconds: Int)
        /// `disconnect: true`: the connection was cut here, without the end of the body.
        case disconnect
    }

    package var name: String
    package var description: String?
    package var tags: [String]
    package var model: String?
    package var turns: [(user: String, requestID: String?)]
    package var answers: [Answer]
    /// The `expect` section as a JSON-shaped object (for `--snapshot`).
    package var expect: ScenarioValue?
    /// Comment lines written at the top (such as where the traffic came from).
    package var comments: [String]
    /// The `$schema` of the first line (`# yaml-language-server: $schema=…`) that editors read;
    /// no such line when `nil`. See ``schemaReference(forFileIn:)``.
    package var schema: String?

    package init(
        name: String,
        description: String? = nil,
        tags: [String] = [],
        model: String? = nil,
        turns: [(user: String, requestID: String?)],
        answers: [Answer],
        expect: ScenarioValue? = nil,
        comments: [String] = []
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.model = model
        self.turns = turns
        self.answers = answers
        self.expect = expect
        self.comments = comments
    }

    /// The relative path from `directory` to the format's JSON Schema, for a file written there:
    /// the first `docs/scenario.schema.json` or `scenario.schema.json` found in `directory` or a
    /// folder above it (the repository's own, or one a project saved with `stream-replay schema`).
    /// `nil` when there is none: a path to a file that is not there would only make editors
    /// complain.
    package static func schemaReference(forFileIn directory: String) -> String? {
        let start = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        var folder = start
        var ups = 0
        while true {
            for candidate in ["scenario.schema.json", "docs/scenario.schema.json"] {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent(candidate).path) {
                    return String(repeating: "../", count: ups) + candidate
                }
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
            ups += 1
        }
    }

    /// The scenario file's text.
    package var yaml: String {
        var lines: [String] = self.schema.map { ["# yaml-language-server: $schema=" + $0] } ?? []
        lines += self.comments.map { "# " + $0 }
        lines.append("name: " + Self.string(self.name))
        if let description { lines.append("description: " + Self.string(description)) }
        if !self.tags.isEmpty { lines.append("tags: [" + self.tags.map(Self.string).joined(separator: ", ") + "]") }
        if let model { lines.append("engine: { model: \(Self.string(model)) }") }
        lines.append("")
        lines.append("turns:")
        for turn in self.turns {
            lines.append("  - user: " + Self.string(turn.user))
            if let requestID = turn.requestID { lines.append("    request_id: " + Self.string(requestID)) }
        }
        lines.append("")
        lines.append("llm:")
        if self.answers.isEmpty { lines[lines.count - 1] = "llm: []" }
        for answer in self.answers {
            var first = true
            func key(_ text: String) {
                lines.append((first ? "  - " : "    ") + text)
                first = false
            }
            if let request = answer.request { key("request: " + request.jsonString) }
            if let profile = answer.profile, profile != .openai { key("profile: " + profile.rawValue) }
            if let plain = answer.plain {
                key("status: \(plain.status)")
                if !plain.headers.isEmpty {
                    key(
                        "headers: {"
                            + plain.headers.map { "\(Self.string($0.0)): \(Self.string($0.1))" }.joined(separator: ", ")
                            + "}"
                    )
                }
                key("body: " + Self.string(plain.body))
                continue
            }
            if !answer.sendsDone { key("done: false") }
            key("stream:")
            if answer.frames.isEmpty { lines[lines.count - 1] += " []" }
            for frame in answer.frames {
                switch frame {
                case .raw(let bytes):
                    if let text = String(validating: bytes, as: UTF8.self) {
                        lines.append("      - raw: " + Self.string(text))
                    } else {
                        lines.append("      - raw_base64: " + Self.string(Self.base64(bytes)))
                    }
                case .chunk(let value):
                    lines.append("      - chunk: " + value.jsonString)
                case .delay(let milliseconds):
                    lines.append("      - delay_ms: \(milliseconds)")
                case .disconnect:
                    lines.append("      - disconnect: true")
                }
            }
        }
        if let expect {
            lines.append("")
            lines.append("expect:")
            if case .object(let members) = expect {
                for member in members {
                    if case .array(let items) = member.value, !items.isEmpty {
                        lines.append("  \(member.key):")
                        lines.append(contentsOf: items.map { "    - " + $0.jsonString })
                    } else {
                        lines.append("  \(member.key): " + member.value.jsonString)
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted string (JSON string syntax, which YAML 1.2 reads the same).
    static func string(_ text: String) -> String {
        ScenarioValue.string(text).jsonString
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
