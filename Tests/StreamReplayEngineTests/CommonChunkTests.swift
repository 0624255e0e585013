import StreamReplayTestSupport
import Testing

@testable import StreamReplayEngine

/// The fast reading of common chunks gives what the tree gives, or steps aside.
struct CommonChunkTests {
    static let corpus: [String] = [
        #"{"id":"chatcmpl-mini","object":"chat.completion.chunk","created":1700000000,"model":"test-model","choices":[{"index":0,"delta":{"content":" word"},"finish_reason":null}]}"#,
        #"{"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"model":""}"#,
        #"{"choices":[{"index":1,"delta":{"content":"b"}},{"index":0,"delta":{"content":"a"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"caf\u00e9 \"q\" \n \ud83d\ude00"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"one","content":"two"}}],"choices":[{"index":2,"delta":{"content":"last"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"x"},"delta":{"refusal":"no"}}]}"#,
        #"{"choices":[{"index":0.0,"delta":{"reasoning_content":"think","reasoning":"r","content":null}}]}"#,
        #"{"choices":[{"index":1e0,"delta":{"content":"e"}}], "model": null, "model": "m2"}"#,
        #"{"choices":[{"index":"0","delta":{"content":"s"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"part"}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{}"}}]}}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        #"{"error":{"message":"boom"}}"#,
        #"{"error":null,"choices":[{"index":0,"delta":{"content":"ok"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"g"}}],"x_groq":{"usage":{"total_tokens":4}}}"#,
        #"{"choices":"nope"}"#,
        #"{"choices":[1,{"index":0,"delta":{"content":"after"}}]}"#,
        #"{"choices":[{"index":0,"delta":null,"finish_reason":7}]}"#,
        #"{"model":42,"choices":[{"index":-3,"delta":{"content":"neg"}}]}"#,
        #"  {"choices" : [ { "index" : 0 , "delta" : { "content" : "spaced" } } ] }  "#,
        "[]", "42", "null", "{}",
    ]

    static func tree(_ text: String) -> StreamChunk? {
        (try? JSONValue(parsing: text)).map(StreamChunk.init(json:))
    }

    @Test(arguments: Self.corpus)
    func theFastReadingAgreesWithTheTree(_ payload: String) throws {
        let tree = try #require(Self.tree(payload))
        if let fast = JSONValue.commonChunk(in: payload) {
            #expect(fast == tree)
        }
        #expect(try StreamChunk(payload: payload) == tree)
    }

    @Test func theCommonShapesTakeTheFastReading() {
        for payload in Self.corpus.prefix(9) {
            #expect(JSONValue.commonChunk(in: payload) != nil, "\(payload)")
        }
    }

    /// Mutations of the corpus (bytes dropped, changed, duplicated): the fast reading never
    /// accepts text the tree refuses, and never disagrees with it.
    @Test func mutationsNeverMakeThemDisagree() {
        var generator = SeededGenerator(seed: 15)
        let alphabet = Array(#"{}[]",:0123456789.eE-+ \ntrfalsenul"abc\u00"#.utf8)
        for _ in 0..<20_000 {
            var bytes = Array(Self.corpus.randomElement(using: &generator)!.utf8)
            for _ in 0...Int.random(in: 0...2, using: &generator) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = alphabet.randomElement(using: &generator)!
                default: bytes.insert(bytes[at], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let tree = Self.tree(text)
            if let fast = JSONValue.commonChunk(in: text) {
                #expect(fast == tree, "\(text)")
            }
        }
    }
}
