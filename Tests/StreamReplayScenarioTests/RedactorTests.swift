import StreamReplayScenario
import Testing

/// Secrets never reach a recording, an import or the journal: the shapes found by default.
struct RedactorTests {
    let redactor = Redactor()

    @Test(arguments: [
        ("key sk-proj-AbC_12-xyz0123456789abcdefGHIJ end", "key [redacted] end"),
        ("sk-ant-api03-Zx9_yW8-vU7tS6rQ5pO4nM3lK2jI1hG0fE", "[redacted]"),
        ("sk-0123456789abcdefghijABCD", "[redacted]"),
        ("GROQ=gsk_0123456789abcdefghijKLMNOP", "GROQ=[redacted]"),
        ("(xai-0123456789abcdefghijKLMN)", "([redacted])"),
        ("AIzaSyA-0123456789abcdefghij_KLMNOPQR", "[redacted]"),
        (#"{"k":"sk-0123456789abcdefghij"}"#, #"{"k":"[redacted]"}"#),
        ("Authorization: Bearer abc.DEF-123_xyz~+/=", "Authorization: Bearer [redacted]"),
        ("bearer   eyJhbGciOiJIUzI1NiJ9.e30.x", "bearer   [redacted]"),
    ])
    func keyShapesAndBearerTokensAreRedacted(text: String, redacted: String) {
        #expect(self.redactor.redact(text) == redacted)
    }

    @Test(arguments: [
        "sk-short123",  // fewer than 20 key characters
        "sk-0123456789abcdefghi",  // 19
        "task-0123456789abcdefghijklmn",  // no word boundary before 'sk-'
        "risk_sk-0123456789abcdefghijklm",  // '_' is a word character: no boundary
        "AIzaShort",
        "xai-grok-2",
        "Bearer of bad news",  // a token needs at least 8 characters
        "prompt_tokens: 12, max_tokens: 100",
        #"{"prompt_tokens":12,"max_tokens":100,"token":"abc","tokens":"x","secret_santa":"y"}"#,
    ])
    func lookAlikesAreLeftAlone(text: String) {
        #expect(self.redactor.redact(text) == text)
    }

    @Test(arguments: [
        (#"{"api_key":"abc","n":1}"#, #"{"api_key":"[redacted]","n":1}"#),
        (#"{"apiKey" : "a\"b\\c", "x": 2}"#, #"{"apiKey" : "[redacted]", "x": 2}"#),
        (
            #"{"ACCESS_TOKEN":"t","password":12345,"secret":true}"#,
            #"{"ACCESS_TOKEN":"[redacted]","password":"[redacted]","secret":"[redacted]"}"#
        ),
        (#"{"password":null}"#, #"{"password":null}"#),
        // JSON inside a JSON string (tool-call arguments, a HAR body), one level of escaping.
        (
            #"{"arguments":"{\"password\":\"hun\\\"ter2\",\"user\":\"bob\"}"}"#,
            #"{"arguments":"{\"password\":\"[redacted]\",\"user\":\"bob\"}"}"#
        ),
    ])
    func secretJSONFieldsAreRedactedInText(text: String, redacted: String) {
        #expect(self.redactor.redact(text) == redacted)
    }

    @Test func parsedJSONKeepsItsShapeAndLosesItsSecrets() throws {
        let body = try ScenarioValue.parseJSON(
            Array(
                #"""
                {"model":"m","api_key":"k1","usage":{"prompt_tokens":12,"max_tokens":3},
                 "messages":[{"role":"user","content":"my key is sk-proj-AbC_12-xyz0123456789abcdef, ok?"},
                   {"role":"assistant","tool_calls":[{"function":{"arguments":"{\"password\":\"p\"}"}}]}],
                 "logprobs":{"content":[{"token":"sk","logprob":-0.1}]},
                 "tools":[{"function":{"parameters":{"properties":{"password":{"type":"string"}}}}}]}
                """#.utf8
            )
        )
        let redacted = self.redactor.redact(body)
        #expect(redacted["api_key"] == .string("[redacted]"))
        #expect(redacted["usage"] == body["usage"])
        #expect(redacted["logprobs"] == body["logprobs"])
        // A schema that describes a password is not a password.
        #expect(redacted["tools"] == body["tools"])
        let messages = try #require(redacted["messages"]?.arrayValue)
        #expect(messages[0]["content"] == .string("my key is [redacted], ok?"))
        #expect(
            messages[1]["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]
                == .string(#"{"password":"[redacted]"}"#)
        )
    }

    @Test func secretHeadersLoseTheirWholeValueOthersTheirSecrets() {
        #expect(self.redactor.redact(header: "Authorization", value: "Bearer x") == "[redacted]")
        #expect(self.redactor.redact(header: "X-Api-Key", value: "anything") == "[redacted]")
        #expect(
            self.redactor.redact(header: "X-Upstream", value: "key=sk-0123456789abcdefghijKL") == "key=[redacted]"
        )
        #expect(self.redactor.redact(header: "X-Trace", value: "t1") == "t1")
    }

    @Test func extraPatternsRedactToo() {
        let redactor = Redactor(patterns: [#"[\w.]+@[\w.]+"#])
        #expect(
            redactor.redact("mail bob@example.com, key sk-0123456789abcdefghijKL") == "mail [redacted], key [redacted]"
        )
        #expect(redactor.redact(Array("bob@example.com".utf8)) == Array("[redacted]".utf8))
    }

    @Test func bytesThatAreNotUTF8StillLoseKeys() {
        let bytes: [UInt8] = [0xFF, 0x20] + Array("sk-0123456789abcdefghijKL".utf8) + [0xFE]
        #expect(self.redactor.redact(bytes) == [0xFF, 0x20] + Array("[redacted]".utf8) + [0xFE])
    }
}
