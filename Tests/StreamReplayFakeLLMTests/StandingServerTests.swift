import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// `serve` as a standing mock: loop, match, several scripts, a bounded journal.
struct StandingServerTests {
    private func body(_ user: String, model: String = "test-model", tools: Bool = false) -> String {
        let toolsJSON = tools ? #","tools":[{"type":"function","function":{"name":"f"}}]"# : ""
        return #"{"model":"\#(model)","stream":true,"messages":[{"role":"user","content":"\#(user)"}]\#(toolsJSON)}"#
    }

    private func text(of exchange: RawHTTPClient.Exchange) -> String {
        dataLines(of: exchange.response?.body ?? []).joined(separator: "\n")
    }

    @Test func loopPlaysTheScriptAgainAndCountsRounds() async throws {
        let yaml = "llm:\n  - stream: [ { text: one } ]\n  - stream: [ { text: two } ]\n"
        try await FakeLLMServer.withRunning(script: try script(yaml), options: .init(loop: true)) { server in
            var answers: [String] = []
            for _ in 0..<6 {
                let exchange = try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: self.body("hi"),
                    port: server.port
                )
                #expect(exchange.response?.status == 200)
                answers.append(self.text(of: exchange).contains("\"one\"") ? "one" : "two")
            }
            #expect(answers == ["one", "two", "one", "two", "one", "two"])
            let journal = await server.journal()
            #expect(journal.map(\.entry) == [0, 1, 0, 1, 0, 1])
            #expect(journal.map(\.round) == [1, 1, 2, 2, 3, 3])
        }
    }

    @Test func matchPicksTheEntryByTheLastUserMessageOrTools() async throws {
        let yaml = """
            llm:
              - request: { messages: { $last: { content: { $contains: weather } } } }
                stream: [ { text: sunny } ]
              - request: { tools: { $length: 1 } }
                stream: [ { text: tooling } ]
              - request: { messages: { $last: { content: hello } } }
                stream: [ { text: greeting } ]
            """
        try await FakeLLMServer.withRunning(script: try script(yaml), options: .init(loop: true, match: true)) {
            server in
            let greeting = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("hello"),
                port: server.port
            )
            #expect(self.text(of: greeting).contains("greeting"))
            let weather = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("the weather?"),
                port: server.port
            )
            #expect(self.text(of: weather).contains("sunny"))
            let tools = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("x", tools: true),
                port: server.port
            )
            #expect(self.text(of: tools).contains("tooling"))
            #expect(await server.journal().map(\.entry) == [2, 0, 1])
        }
    }

    @Test func noMatchIs404NamingTheClosestEntry() async throws {
        let yaml = """
            llm:
              - request: { messages: { $last: { role: user, content: hello } } }
                stream: [ { text: greeting } ]
            """
        try await FakeLLMServer.withRunning(script: try script(yaml), options: .init(match: true)) { server in
            let response = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: self.body("bye"), port: server.port)
                    .response
            )
            #expect(response.status == 404)
            let message = try #require(try ScenarioValue.parseJSON(response.body)["error"]?["message"]?.stringValue)
            #expect(message.hasPrefix("no llm entry matches this request"))
            #expect(message.contains("llm[0]"))
            #expect(message.contains("request.messages[0].content"))
        }
    }

    @Test func severalScriptsAreRoutedByModel() async throws {
        let a = try ScenarioLoader(options: .init(requireTurns: false)).load(
            yaml: "engine: { model: model-a }\nllm: [ { stream: [ { text: from-a } ] } ]\n",
            file: "dir/alpha.yaml"
        )
        let b = try ScenarioLoader(options: .init(requireTurns: false)).load(
            yaml: "llm: [ { stream: [ { text: from-b } ] } ]\n",
            file: "dir/beta.yaml"
        )
        let scripts = [FakeLLMScript(scenario: a), FakeLLMScript(scenario: b)]
        try await FakeLLMServer.withRunning(scripts: scripts, options: .init(loop: true)) { server in
            let first = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("x", model: "model-a"),
                port: server.port
            )
            #expect(self.text(of: first).contains("from-a"))
            let second = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("x", model: "beta"),
                port: server.port
            )
            #expect(self.text(of: second).contains("from-b"))
            let unknown = try #require(
                try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: self.body("x", model: "gpt-9"),
                    port: server.port
                ).response
            )
            #expect(unknown.status == 404)
            let error = try ScenarioValue.parseJSON(unknown.body)["error"]
            #expect(error?["code"] == .string("model_not_found"))
            #expect(error?["message"]?.stringValue?.contains("model-a") == true)
            let models = try #require(try await RawHTTPClient.get(path: "/v1/models", port: server.port).response)
            #expect(
                try ScenarioValue.parseJSON(models.body)["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [
                    "model-a", "test-model", "alpha", "beta",
                ]
            )
        }
    }

    /// The bundled `scenarios/standing` folder, as `serve scenarios/standing --match --loop` loads it.
    private func standingScripts() throws -> [FakeLLMScript] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/standing")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        return try files.map { file in
            FakeLLMScript(
                scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(
                    file: folder.appendingPathComponent(file).path
                )
            )
        }
    }

    @Test func theStandingFolderEndsAToolLoopWithTheFinalText() async throws {
        try await FakeLLMServer.withRunning(
            scripts: try self.standingScripts(),
            options: .init(loop: true, match: true)
        ) {
            server in
            // An SDK's tool loop, twice: each follow-up that carries the tool result gets text.
            for _ in 0..<2 {
                let call = try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: self.body("What is the weather in Paris?"),
                    port: server.port
                )
                #expect(call.response?.status == 200)
                #expect(self.text(of: call).contains(#""id":"call_weather_1""#))
                let followUp =
                    #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"What is the weather in Paris?"},"#
                    + #"{"role":"assistant","content":null,"tool_calls":[{"id":"call_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"#
                    + #"{"role":"tool","tool_call_id":"call_weather_1","content":"{\"temp_c\":21}"}]}"#
                let answer = try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: followUp,
                    port: server.port
                )
                #expect(answer.response?.status == 200)
                let text = self.text(of: answer)
                #expect(!text.contains("tool_calls"), "the follow-up gets no tool call again")
                #expect(text.contains(#""finish_reason":"stop""#))
            }
            let plain = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("anything", model: "plain-answer"),
                port: server.port
            )
            #expect(self.text(of: plain).contains("Hello! T"))
            let error = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("anything", model: "error-answer"),
                port: server.port
            )
            #expect(error.response?.status == 429)
            #expect(error.response?.header("retry-after") == "2")
        }
    }

    @Test func modelsListsEveryNameARequestCanRouteBy() async throws {
        let scripts = try self.standingScripts()
        try await FakeLLMServer.withRunning(scripts: scripts, options: .init(loop: true, match: true)) { server in
            let response = try #require(try await RawHTTPClient.get(path: "/v1/models", port: server.port).response)
            let ids = try ScenarioValue.parseJSON(response.body)["data"]?.arrayValue?.compactMap {
                $0["id"]?.stringValue
            }
            let names = scripts.flatMap { $0.models + $0.aliases + [$0.scenarioName] }
            #expect(Set(ids ?? []) == Set(names))
            #expect(ids?.count == Set(names).count, "each name once")
            // Every listed name routes: none is a 404 model_not_found.
            for id in ids ?? [] {
                let exchange = try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: self.body("hi", model: id),
                    port: server.port
                )
                #expect(exchange.response?.status != 404, "\(id)")
            }
        }
    }

    @Test func journalKeepsTheNewestAndPagesWithSince() async throws {
        let yaml = "llm:\n  - stream: [ { text: x } ]\n"
        try await FakeLLMServer.withRunning(script: try script(yaml), options: .init(loop: true, journalLimit: 3)) {
            server in
            for _ in 0..<7 {
                _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: self.body("hi"), port: server.port)
            }
            #expect(await server.journal().map(\.number) == [5, 6, 7])
            #expect(await server.requestCount() == 7)
            let page = try #require(
                try await RawHTTPClient.get(path: "/_stream-replay/requests?since=5", port: server.port).response
            )
            let json = try ScenarioValue.parseJSON(page.body)
            #expect(json["received"] == .int(7))
            #expect(json["requests"]?.arrayValue?.compactMap { $0["number"] } == [.int(6), .int(7)])
        }
    }

    @Test func reloadReplacesTheScriptsAndKeepsTheJournal() async throws {
        try await FakeLLMServer.withRunning(
            script: try script("llm: [ { stream: [ { text: old } ] } ]\n"),
            options: .init(loop: true)
        ) { server in
            _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: self.body("hi"), port: server.port)
            await server.reload(scripts: [try script("llm: [ { stream: [ { text: new } ] } ]\n")])
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: self.body("hi"),
                port: server.port
            )
            #expect(self.text(of: exchange).contains("new"))
            #expect(await server.journal().count == 2)
        }
    }
}
