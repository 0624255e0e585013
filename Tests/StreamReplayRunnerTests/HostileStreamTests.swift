import Foundation
import StreamReplayRunner
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// A corpus of hostile streams: for each, the engine ends the turn with the right error code or a
/// clean answer, never crashes or hangs, and every invariant holds.
struct HostileStreamTests {
    /// What a stream must end with.
    enum Outcome: Sendable, CustomStringConvertible {
        /// A completed turn (no error message).
        case clean
        /// An error message with one of these codes.
        case error(Set<String>)

        var description: String {
            switch self {
            case .clean: "clean"
            case .error(let codes): codes.sorted().joined(separator: "|")
            }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var outcome: Outcome
        var description: String { self.name }
    }

    private static func chunk(_ delta: String, finish: String = "null") -> String {
        #"data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish)}]}"#
            + "\n\n"
    }

    private static let text = chunk(#"{"content":"ok"}"#)
    private static let finish = chunk("{}", finish: #""stop""#)
    private static let done = "data: [DONE]\n\n"
    private static let failing: Outcome = .error(["invalid_chunk", "stream_interrupted", "provider_error"])

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let cases: [Case] = {
        var cases: [Case] = []
        func add(_ name: String, _ text: String, _ outcome: Outcome) {
            cases.append(Case(name: name, bytes: Self.bytes(text), outcome: outcome))
        }
        // Truncation and framing.
        add(
            "truncated JSON then blank line",
            #"data: {"choices":[{"delta":{"content":"tru"# + "\n\n",
            .error(["invalid_chunk"])
        )
        add("truncated JSON at EOF", Self.text + #"data: {"choices":[{"delta":"#, .error(["stream_interrupted"]))
        add(
            "no blank line after the last event",
            Self.text + String(Self.finish.dropLast()),
            .error(["stream_interrupted"])
        )
        add("only comments", ": a\n\n: b\n\n:\n\n", .error(["stream_interrupted"]))
        add("empty body", "", .error(["stream_interrupted"]))
        add("blank lines only", "\n\n\n\n\r\n\r\n", .error(["stream_interrupted"]))
        add("data line without colon", "data\n\n", .error(["invalid_chunk"]))
        add("JSON null as data", "data: null\n\n" + Self.finish, .clean)
        add("JSON number as data", "data: 42\n\n" + Self.finish, .clean)
        add("JSON string as data", "data: \"hello\"\n\n" + Self.finish, .clean)
        add("JSON array as data", "data: [1,2]\n\n" + Self.finish, .clean)
        add("trailing garbage after JSON", #"data: {"choices":[]}xyz"# + "\n\n", .error(["invalid_chunk"]))
        add("two JSON objects in one data", #"data: {"a":1}{"b":2}"# + "\n\n", .error(["invalid_chunk"]))
        add("unterminated string escape", #"data: {"a":"\u12"}"# + "\n\n", .error(["invalid_chunk"]))
        add("lone surrogate escape", Self.chunk(#"{"content":"\ud800x"}"#) + Self.finish, .clean)
        add(
            "deeply nested arrays",
            "data: " + String(repeating: "[", count: 100_000) + "\n\n",
            .error(["invalid_chunk"])
        )
        add(
            "deeply nested objects",
            "data: " + String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "}", count: 600) + "\n\n",
            .error(["invalid_chunk"])
        )
        add(
            "nested exactly 512 deep",
            "data: " + String(repeating: "[", count: 511) + "{}" + String(repeating: "]", count: 511) + "\n\n"
                + Self.finish,
            .clean
        )
        // Wrong types in every field.
        add("choices is a string", #"data: {"choices":"x"}"# + "\n\n" + Self.finish, .clean)
        add("choices holds numbers", #"data: {"choices":[1,2]}"# + "\n\n" + Self.finish, .clean)
        add("delta is a string", Self.chunk(#""x""#) + Self.finish, .clean)
        add("content is a number", Self.chunk(#"{"content":5}"#) + Self.finish, .clean)
        add(
            "content parts with wrong types",
            Self.chunk(#"{"content":[1,{"type":"text","text":5},{"text":"ok"}]}"#) + Self.finish,
            .clean
        )
        add("tool_calls is an object", Self.chunk(#"{"tool_calls":{"a":1}}"#) + Self.finish, .clean)
        add("tool_calls holds numbers", Self.chunk(#"{"tool_calls":[1,"x",null]}"#) + Self.finish, .clean)
        add(
            "function is a string",
            Self.chunk(#"{"tool_calls":[{"index":0,"id":"c","function":"f"}]}"#) + Self.finish,
            .clean
        )
        add(
            "index is a string",
            Self.chunk(#"{"tool_calls":[{"index":"a","id":"c","function":{"name":"f","arguments":"{}"}}]}"#)
                + Self.finish,
            .clean
        )
        add(
            "index is huge",
            Self.chunk(#"{"tool_calls":[{"index":1e300,"id":"c","function":{"name":"f","arguments":"{}"}}]}"#)
                + Self.finish,
            .clean
        )
        add(
            "id and name are numbers",
            Self.chunk(#"{"tool_calls":[{"index":0,"id":5,"function":{"name":7,"arguments":"{}"}}]}"#) + Self.finish,
            .clean
        )
        add(
            "arguments is a number",
            Self.chunk(#"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":5}}]}"#) + Self.finish,
            .clean
        )
        add("finish_reason is a number", Self.chunk(#"{"content":"a"}"#, finish: "5"), .error(["stream_interrupted"]))
        add("usage is a string", #"data: {"choices":[],"usage":"lots"}"# + "\n\n" + Self.finish, .clean)
        add(
            "usage counts are strings",
            #"data: {"choices":[],"usage":{"prompt_tokens":"1"}}"# + "\n\n" + Self.finish,
            .clean
        )
        add("model is a number", #"data: {"model":5,"choices":[]}"# + "\n\n" + Self.finish, .clean)
        add("error is false", #"data: {"error":false}"# + "\n\n", .error(["provider_error"]))
        add("error is a string", #"data: {"error":"boom"}"# + "\n\n", .error(["provider_error"]))
        add("event error without data", "event: error\n\n" + Self.finish, .clean)
        // Bytes that are not text.
        cases.append(
            Case(
                name: "NUL bytes inside a string",
                bytes: Self.bytes(#"data: {"choices":[{"index":0,"delta":{"content":"a"#) + [0]
                    + Self.bytes(#"b"}}]}"# + "\n\n"),
                outcome: .error(["invalid_chunk"])
            )
        )
        cases.append(
            Case(
                name: "invalid UTF-8 in content",
                bytes: Self.bytes(#"data: {"choices":[{"index":0,"delta":{"content":"a"#) + [0xFF, 0xC3]
                    + Self.bytes(#""}}]}"# + "\n\n" + Self.finish),
                outcome: .clean
            )
        )
        var generator = SeededGenerator(seed: 42)
        cases.append(
            Case(
                name: "binary garbage",
                bytes: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) },
                outcome: Self.failing
            )
        )
        cases.append(
            Case(
                name: "binary garbage after text",
                bytes: Self.bytes(Self.text) + (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) },
                outcome: Self.failing
            )
        )
        cases.append(
            Case(name: "leading BOM", bytes: [0xEF, 0xBB, 0xBF] + Self.bytes(Self.text + Self.finish), outcome: .clean)
        )
        // Volume.
        add(
            "a 10 MB single line",
            Self.chunk(#"{"content":""# + String(repeating: "x", count: 10_000_000) + #""}"#) + Self.finish,
            .clean
        )
        add("100,000 tiny events", String(repeating: "data: {}\n\n", count: 100_000) + Self.finish, .clean)
        add("100,000 comment lines", String(repeating: ":\n", count: 100_000) + Self.text + Self.finish, .clean)
        add("a 1 MB comment", ":" + String(repeating: "c", count: 1_000_000) + "\n\n" + Self.text + Self.finish, .clean)
        add("a million blank lines", String(repeating: "\n", count: 1_000_000) + Self.text + Self.finish, .clean)
        return cases
    }()

    @Test func corpusHasAtLeastFortyStreams() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: Self.cases)
    func hostileStreamEndsCleanlyOrWithTheRightError(hostile: Case) async throws {
        let yaml = """
            name: \(ScenarioValue.string(hostile.name).jsonString)
            turns: [ { user: hi } ]
            llm:
              - done: false
                stream:
                  - raw_base64: "\(Data(hostile.bytes).base64EncodedString())"
              # a follow-up, for streams whose tool calls are run and answered
              - stream: [ { text: after }, { finish: stop } ]
            """
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "hostile.yaml")
        let result = await ScenarioRunner(options: .init(jobs: 1, timeout: .seconds(60))).runOnce(scenario)
        // Only the "failed unexpectedly" finding may appear (the scenario expects no error), and
        // the follow-up answer may stay unused.
        let others = result.failures.filter { $0.path != "turns[0]" && $0.path != "llm[1]" }
        #expect(others.isEmpty, "\(others.map(\.message))")
        let error = result.failures.first { $0.path == "turns[0]" }
        switch hostile.outcome {
        case .clean:
            #expect(error == nil, "\(error?.actual ?? "")")
        case .error(let codes):
            let code = error.flatMap { try? ScenarioValue.parseJSON(Array($0.actual.utf8))["code"]?.stringValue }
            #expect(code.map(codes.contains) == true, "expected \(hostile.outcome), found \(code ?? "a clean answer")")
        }
    }
}

/// Broken HTTP framing: the fake writes these exact bytes as the whole response, then closes.
struct HostileHTTPTests {
    static let event =
        #"data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"

    static let cases: [(name: String, response: String, code: String?)] = [
        (
            "HTTP/1.0 close-delimited body", "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + Self.event,
            nil
        ),
        (
            "HTTP/1.1 close-delimited body",
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + Self.event, nil
        ),
        (
            "chunk size that is not hex",
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                + Self.event + "\r\n0\r\n\r\n",
            "stream_interrupted"
        ),
        (
            "chunked body without its last chunk",
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(
                    #"data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}"#.utf8.count + 2,
                    radix: 16
                )
                + "\r\n" + #"data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}"#
                + "\n\n\r\n",
            "stream_interrupted"
        ),
        (
            "body shorter than its Content-Length",
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 5000\r\n\r\n"
                + #"data: {"choices":[]}"# + "\n\n",
            "stream_interrupted"
        ),
        ("a status line that is not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "connect_failed"),
        ("headers cut off", "HTTP/1.1 200 OK\r\nContent-Type: text/ev", "connect_failed"),
    ]

    @Test(arguments: Self.cases.map(\.name))
    func brokenFramingEndsCleanlyOrWithTheRightError(name: String) async throws {
        let hostile = try #require(Self.cases.first { $0.name == name })
        let yaml = """
            name: \(ScenarioValue.string(name).jsonString)
            turns: [ { user: hi } ]
            llm:
              - raw_response_base64: "\(Data(hostile.response.utf8).base64EncodedString())"
            """
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "hostile-http.yaml")
        let result = await ScenarioRunner(options: .init(jobs: 1, timeout: .seconds(60))).runOnce(scenario)
        let others = result.failures.filter { $0.path != "turns[0]" }
        #expect(others.isEmpty, "\(others.map(\.message))")
        let error = result.failures.first { $0.path == "turns[0]" }
        let code = error.flatMap { try? ScenarioValue.parseJSON(Array($0.actual.utf8))["code"]?.stringValue }
        #expect(code == hostile.code, "\(error?.actual ?? "clean")")
    }
}
