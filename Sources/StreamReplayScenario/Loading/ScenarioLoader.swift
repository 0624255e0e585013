import Foundation
import Yams

/// Loads scenario files: walks the composed YAML node tree (every node knows its line and
/// column) into a ``Scenario``, and reports every problem of the file at once.
///
/// ```swift
/// do {
///     let scenario = try ScenarioLoader().load(file: "scenarios/basic/text.yaml")
/// } catch {
///     print(error)   // scenarios/basic/text.yaml:3:1: error: unknown key 'modle' …
/// }
/// ```
public struct ScenarioLoader: Sendable {
    /// What a file must contain.
    public struct Options: Sendable {
        /// `turns` is required (a scenario to run); `false` for a script to serve.
        public var requireTurns: Bool
        /// `llm` is required (offline runs).
        public var requireLLM: Bool

        /// What a file must contain; by default both `turns` and `llm`.
        public init(requireTurns: Bool = true, requireLLM: Bool = true) {
            self.requireTurns = requireTurns
            self.requireLLM = requireLLM
        }
    }

    /// What a file must contain.
    public var options: Options

    /// A loader with these requirements.
    public init(options: Options = Options()) {
        self.options = options
    }

    static let topLevelKeys = [
        "name", "description", "tags", "engine", "tools", "turns", "llm", "expect", "live", "fault",
    ]
    static let faultKeys = ["kind", "llm", "frame", "seed", "run", "allowed_errors"]
    static let liveExpectKeys = [
        "messages", "events", "writes", "tool_calls", "llm_requests", "error", "invariants", "text",
    ]
    static let engineKeys = [
        "model", "max_tool_hops", "persistence", "system_prompt", "history_limit", "idle_timeout_ms", "llm_retries",
    ]
    static let persistenceKeys = ["persist_deltas", "interval_ms", "min_chars"]
    static let toolKeys = ["name", "description", "parameters", "result", "results", "error", "delay_ms"]
    static let turnKeys = ["user", "conversation", "request_id", "concurrently", "expect"]
    static let turnExpectKeys = ["messages", "text", "error"]
    static let expectKeys = ["messages", "events", "writes", "tool_calls", "llm_requests", "error", "invariants"]
    static let answerKeys = [
        "request", "stream", "status", "headers", "body", "done", "profile", "model", "framing", "raw_response",
        "raw_response_base64",
    ]
    static let framingKeys = ["line_ending", "write_size"]
    static let frameKeys = [
        "role", "text", "tool_call", "tool_calls", "finish", "usage", "split", "sweep", "chunk", "raw", "raw_base64",
        "comment",
        "error",
        "delay_ms", "disconnect",
    ]
    static let toolCallKeys = ["index", "id", "type", "name", "arguments"]

    /// Loads a scenario file.
    ///
    /// - Throws: ``ScenarioError`` with every problem of the file.
    public func load(file path: String) throws(ScenarioError) -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ScenarioError(
                code: .unreadableFile,
                message: "\(path): error: cannot read the file (\(Self.reason(error)))"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(
                code: .invalidScenario,
                message: "\(path): error: the file is not UTF-8 text",
                diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "the file is not UTF-8 text")]
            )
        }
        return try self.load(yaml: text, file: path)
    }

    /// Loads a scenario from YAML text; `file` names it in diagnostics and is the default name.
    ///
    /// - Throws: ``ScenarioError`` with every problem of the text.
    public func load(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        let reader = NodeReader(file: file, source: yaml)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            reader.report(yamlError: error)
            throw Self.failure(reader)
        }
        guard let root else {
            reader.error("the file is empty: a scenario needs at least 'turns' and 'llm'", line: 1, column: 1)
            throw Self.failure(reader)
        }
        if reader.refusesAliasExpansion(of: root, source: yaml) {
            throw Self.failure(reader)
        }
        let scenario = self.scenario(from: root, reader: reader)
        if !reader.diagnostics.isEmpty {
            throw Self.failure(reader)
        }
        return scenario
    }

    private static func failure(_ reader: NodeReader) -> ScenarioError {
        let count = reader.diagnostics.count
        return ScenarioError(
            code: .invalidScenario,
            message: "\(reader.file): \(count) problem\(count == 1 ? "" : "s")",
            diagnostics: reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        )
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }

    // MARK: Sections

    private func scenario(from root: Node, reader: NodeReader) -> Scenario {
        let fileName = URL(fileURLWithPath: reader.file).deletingPathExtension().lastPathComponent
        var scenario = Scenario(file: reader.file, name: fileName)
        guard let entries = reader.mapping(root, allowed: Self.topLevelKeys, what: "the scenario") else {
            return scenario
        }
        var sawTurns = false
        var sawLLM = false
        var errorKey: Node?
        for (key, _, value) in entries {
            switch key {
            case "name":
                scenario.name = reader.string(value, what: "'name'") ?? scenario.name
            case "description":
                scenario.description = reader.string(value, what: "'description'")
            case "tags":
                scenario.tags =
                    reader.sequence(value, what: "'tags'")?.compactMap { reader.string($0, what: "a tag") } ?? []
            case "engine":
                scenario.engine = self.engine(value, reader: reader)
            case "tools":
                scenario.tools = self.tools(value, reader: reader)
            case "turns":
                sawTurns = true
                scenario.turns = self.turns(value, reader: reader)
            case "llm":
                sawLLM = true
                scenario.llm =
                    reader.sequence(value, what: "'llm' (one answer per request)")?.compactMap {
                        self.answer($0, reader: reader)
                    } ?? []
            case "live":
                for (key, _, value) in reader.mapping(value, allowed: ["expect"], what: "'live'") ?? []
                where key == "expect" {
                    scenario.live = self.expectations(
                        value,
                        reader: reader,
                        allowed: Self.liveExpectKeys,
                        what: "'live.expect'"
                    )
                }
                if scenario.live == nil { scenario.live = Expectations() }
            case "fault":
                scenario.fault = self.fault(value, reader: reader)
            case "expect":
                scenario.expect = self.expectations(value, reader: reader)
                if case .mapping(let mapping) = value {
                    errorKey = mapping.first { $0.key.scalar?.string == "error" }?.key
                }
            default:
                break
            }
        }
        for extra in reader.sweepKeys.dropFirst() {
            let first = reader.sweepKeys[0].mark?.line ?? 1
            reader.error(
                "only one frame of a scenario may sweep (the first is at line \(first)); "
                    + "sweeping two at once would play every pair of cut points",
                at: extra
            )
        }
        if let errorKey, scenario.turns.count > 1 {
            reader.error(
                "'expect.error' applies to a scenario with one turn; put it under the failing turn's own 'expect'",
                at: errorKey
            )
        }
        if self.options.requireTurns, !sawTurns {
            reader.error("missing key 'turns': what the user sends", at: root)
        }
        if self.options.requireLLM, !sawLLM {
            reader.error("missing key 'llm': the fake LLM's answers", at: root)
        }
        return scenario
    }

    /// The `fault` section (`run --faults-out` writes it).
    private func fault(_ node: Node, reader: NodeReader) -> Fault? {
        guard let entries = reader.mapping(node, allowed: Self.faultKeys, what: "'fault'") else { return nil }
        var fault = Fault(kind: "", allowedErrors: [])
        for (key, _, value) in entries {
            switch key {
            case "kind":
                guard let kind = reader.string(value, what: "'kind'") else { continue }
                if Fault.kinds.contains(kind) {
                    fault.kind = kind
                } else {
                    reader.error(
                        "unknown fault kind '\(kind)' (known: \(Fault.kinds.joined(separator: ", ")))",
                        at: value
                    )
                }
            case "llm": fault.entry = reader.int(value, what: "'llm' (an entry, from 0)", range: 0...Int.max)
            case "frame": fault.frame = reader.int(value, what: "'frame' (a frame, from 0)", range: 0...Int.max)
            case "seed": fault.seed = reader.int(value, what: "'seed'", range: 0...Int.max)
            case "run": fault.run = reader.int(value, what: "'run'", range: 1...Int.max)
            case "allowed_errors":
                fault.allowedErrors =
                    reader.sequence(value, what: "'allowed_errors' (error codes)")?.compactMap {
                        reader.string($0, what: "an error code")
                    } ?? []
            default:
                break
            }
        }
        if !entries.contains(where: { $0.key == "kind" }) {
            reader.error("'fault' needs 'kind' (\(Fault.kinds.joined(separator: ", ")))", at: node)
        }
        return fault
    }

    private func expectations(
        _ node: Node,
        reader: NodeReader,
        allowed: [String] = ScenarioLoader.expectKeys,
        what: String = "'expect'"
    ) -> Expectations {
        var expect = Expectations()
        for (key, _, value) in reader.mapping(node, allowed: allowed, what: what) ?? [] {
            switch key {
            case "messages": expect.messages = reader.matcher(value)
            case "events": expect.events = reader.matcher(value)
            case "writes": expect.writes = reader.matcher(value)
            case "tool_calls": expect.toolCalls = reader.matcher(value)
            case "llm_requests": expect.llmRequests = reader.matcher(value)
            case "error": expect.error = reader.matcher(value)
            case "text": expect.text = reader.matcher(value)
            case "invariants":
                for (key, _, value) in reader.mapping(value, allowed: ["allow"], what: "'invariants'") ?? []
                where key == "allow" {
                    for item in reader.sequence(value, what: "'allow' (invariant names)") ?? [] {
                        guard let name = reader.string(item, what: "an invariant name") else { continue }
                        if Expectations.invariantNames.contains(name) {
                            expect.allowedInvariants.append(name)
                        } else {
                            var message = "unknown invariant '\(name)'"
                            if let suggestion = Suggestions.closest(to: name, in: Expectations.invariantNames) {
                                message += " (did you mean '\(suggestion)'?)"
                            } else {
                                message += " (known: \(Expectations.invariantNames.joined(separator: ", ")))"
                            }
                            reader.error(message, at: item)
                        }
                    }
                }
            default: break
            }
        }
        return expect
    }

    private func engine(_ node: Node, reader: NodeReader) -> EngineSettings {
        var engine = EngineSettings()
        for (key, _, value) in reader.mapping(node, allowed: Self.engineKeys, what: "'engine'") ?? [] {
            switch key {
            case "model": engine.model = reader.string(value, what: "'model'") ?? engine.model
            case "max_tool_hops":
                engine.maxToolHops =
                    reader.int(value, what: "'max_tool_hops'", range: 1...Int.max) ?? engine.maxToolHops
            case "system_prompt": engine.systemPrompt = reader.string(value, what: "'system_prompt'")
            case "history_limit":
                engine.historyLimit =
                    reader.int(value, what: "'history_limit'", range: 0...Int.max) ?? engine.historyLimit
            case "idle_timeout_ms":
                engine.idleTimeoutMilliseconds =
                    reader.int(value, what: "'idle_timeout_ms'", range: 1...Int.max) ?? engine.idleTimeoutMilliseconds
            case "llm_retries":
                engine.llmRetries = reader.int(value, what: "'llm_retries'", range: 0...100) ?? engine.llmRetries
            case "persistence":
                for (key, _, value) in reader.mapping(value, allowed: Self.persistenceKeys, what: "'persistence'") ?? []
                {
                    switch key {
                    case "persist_deltas":
                        engine.persistDeltas = reader.bool(value, what: "'persist_deltas'") ?? engine.persistDeltas
                    case "interval_ms":
                        engine.persistIntervalMilliseconds =
                            reader.int(value, what: "'interval_ms'", range: 0...Int.max)
                            ?? engine.persistIntervalMilliseconds
                    case "min_chars":
                        engine.persistMinChars =
                            reader.int(value, what: "'min_chars'", range: 0...Int.max) ?? engine.persistMinChars
                    default: break
                    }
                }
            default: break
            }
        }
        return engine
    }

    private func tools(_ node: Node, reader: NodeReader) -> [ToolScript] {
        var tools: [ToolScript] = []
        for item in reader.sequence(node, what: "'tools'") ?? [] {
            guard let entries = reader.mapping(item, allowed: Self.toolKeys, what: "a tool") else { continue }
            var name: String?
            var description: String?
            var parameters: ScenarioValue?
            var behaviours: [(key: String, node: Node, behaviour: ToolScript.Behaviour)] = []
            var delay = 0
            for (key, keyNode, value) in entries {
                switch key {
                case "name": name = reader.string(value, what: "the tool's 'name'")
                case "description": description = reader.string(value, what: "'description'")
                case "parameters":
                    if case .mapping = value {
                        parameters = reader.value(value)
                    } else {
                        reader.error(
                            "expected 'parameters' (a JSON Schema map), found \(NodeReader.kind(of: value))",
                            at: value
                        )
                    }
                case "result":
                    if let text = reader.stringOrJSON(value, what: "'result'") {
                        behaviours.append((key, keyNode, .result(text)))
                    }
                case "results":
                    if let items = reader.sequence(value, what: "'results' (one per call)") {
                        behaviours.append(
                            (key, keyNode, .results(items.compactMap { reader.stringOrJSON($0, what: "a result") }))
                        )
                    }
                case "error":
                    if let text = reader.string(value, what: "'error'") {
                        behaviours.append((key, keyNode, .error(text)))
                    }
                case "delay_ms": delay = reader.int(value, what: "'delay_ms'", range: 0...Int.max) ?? 0
                default: break
                }
            }
            guard let name else {
                reader.error("a tool needs a 'name'", at: item)
                continue
            }
            if behaviours.count > 1 {
                reader.error("a tool has one of 'result', 'results' or 'error', not several", at: behaviours[1].node)
            }
            guard let behaviour = behaviours.first?.behaviour else {
                reader.error("tool '\(name)' needs one of 'result', 'results' or 'error'", at: item)
                continue
            }
            if tools.contains(where: { $0.name == name }) {
                reader.error("duplicate tool name '\(name)'", at: item)
                continue
            }
            tools.append(
                ToolScript(
                    name: name,
                    description: description,
                    parameters: parameters,
                    behaviour: behaviour,
                    delayMilliseconds: delay
                )
            )
        }
        return tools
    }

    private func turns(_ node: Node, reader: NodeReader) -> [Turn] {
        var turns: [Turn] = []
        guard let items = reader.sequence(node, what: "'turns'") else { return [] }
        if items.isEmpty {
            reader.error("'turns' is empty: add at least one turn with 'user'", at: node)
        }
        for (position, item) in items.enumerated() {
            guard let entries = reader.mapping(item, allowed: Self.turnKeys, what: "a turn") else { continue }
            var turn = Turn(user: "", requestID: "req-\(position + 1)")
            var sawUser = false
            for (key, _, value) in entries {
                switch key {
                case "user":
                    sawUser = true
                    turn.user = reader.string(value, what: "'user'") ?? ""
                case "conversation":
                    turn.conversation = reader.string(value, what: "'conversation'") ?? turn.conversation
                case "request_id": turn.requestID = reader.string(value, what: "'request_id'") ?? turn.requestID
                case "concurrently":
                    turn.concurrently = reader.int(value, what: "'concurrently'", range: 1...10_000) ?? 1
                case "expect":
                    for (key, _, value) in reader.mapping(
                        value,
                        allowed: Self.turnExpectKeys,
                        what: "a turn's 'expect'"
                    ) ?? [] {
                        switch key {
                        case "messages": turn.expect.messages = reader.matcher(value)
                        case "text": turn.expect.text = reader.matcher(value)
                        case "error": turn.expect.error = reader.matcher(value)
                        default: break
                        }
                    }
                default: break
                }
            }
            if !sawUser {
                reader.error("a turn needs 'user': the message the user sends", at: item)
            }
            turns.append(turn)
        }
        return turns
    }
}
