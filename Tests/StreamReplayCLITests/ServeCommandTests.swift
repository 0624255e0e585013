import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// Runs the built binary and asserts stdout, stderr and the exit code.
@Suite(.serialized)
struct ServeCommandTests {
    private func writeScenario(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sr-cli-\(UUID().uuidString).yaml")
            .path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func serveStreamsTheScriptAndStopsOnInterrupt() async throws {
        let file = try writeScenario("name: cli\nllm:\n  - stream: [ { text: hello }, { finish: stop } ]\n")
        let (firstLine, ended) = try await CLIProcess.withStarted(["serve", file, "--port", "0"]) { serve in
            let port = try #require(serve.servingPort)
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"x"}]}"#,
                port: port
            )
            #expect(exchange.response?.bodyText.contains(#""content":"hello""#) == true)
            serve.interrupt()
            return serve.firstLine
        }
        #expect(firstLine.hasPrefix("Serving 'cli' (1 llm entry) at http://127.0.0.1:"))
        #expect(ended.exitCode == 130)
    }

    @Test func serveOnAPortInUseExits2NamingThePort() async throws {
        let file = try writeScenario("llm: []\n")
        try await FakeLLMServer.withRunning(script: FakeLLMScript(scenarioName: "x", answers: [])) { server in
            let result = try await CLIProcess.run(["serve", file, "--port", String(server.port)])
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("port \(server.port) on 127.0.0.1 is already in use"))
        }
    }

    @Test func recordOnAPortInUseExits2NamingThePort() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sr-rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try await FakeLLMServer.withRunning(script: FakeLLMScript(scenarioName: "x", answers: [])) { server in
            let result = try await CLIProcess.run([
                "record", "--upstream", server.baseURL, "--out", out, "--port", String(server.port),
            ])
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("port \(server.port) on 127.0.0.1 is already in use"))
        }
    }

    /// 203.0.113.1 (TEST-NET-3) is no address of this machine: bind fails with EADDRNOTAVAIL,
    /// which is not "in use" but still one line naming the address, and exit code 2.
    @Test(arguments: [["serve"], ["record", "--upstream", "http://127.0.0.1:9/v1", "--out"]])
    func anAddressThatCannotBeBoundExits2NamingIt(command: [String]) async throws {
        var arguments = command
        if command.first == "record" {
            arguments.append(
                FileManager.default.temporaryDirectory.appendingPathComponent("sr-rec-\(UUID().uuidString)").path
            )
        } else {
            arguments.append(try writeScenario("llm: []\n"))
        }
        let result = try await CLIProcess.run(arguments + ["--host", "203.0.113.1", "--port", "0"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("error: cannot listen on 203.0.113.1:0: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func serveOnAWrongFileExits2WithTheDiagnostic() async throws {
        let file = try writeScenario("llm:\n  - stream:\n      - txt: hi\n")
        let result = try await CLIProcess.run(["serve", file])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("\(file):3:9: error: unknown key 'txt' in a frame (did you mean 'text'?)"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func misuseExits2NotArgumentParsers64() async throws {
        let result = try await CLIProcess.run(["serve"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("Missing expected argument '<paths> ...'"))
        #expect(try await CLIProcess.run(["serve", "x.yaml", "--port", "70000"]).exitCode == 2)
    }

    @Test func lintReportsEveryProblemAndExits2() async throws {
        let file = try writeScenario(
            "engine:\n  modle: x\nturns: [ { user: hi } ]\nllm:\n  - stream:\n      - delay_ms: 5\n        text: y\n"
        )
        let result = try await CLIProcess.run(["lint", file])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("\(file):2:3: error: unknown key 'modle' in 'engine' (did you mean 'model'?)"))
        #expect(result.stderr.contains("\(file):7:9: error: 'delay_ms' must be alone in its frame"))
        #expect(result.stdout == "0 valid, 1 wrong\n")
    }

    /// `--time-scale 0` plays a ten-minute delay at once (a standing mock for a quick CI check).
    @Test func serveWithTimeScaleZeroPlaysNoDelay() async throws {
        let file = try writeScenario(
            "llm:\n  - stream: [ { text: before }, { delay_ms: 600000 }, { text: after }, { finish: stop } ]\n"
        )
        let (body, ended) = try await CLIProcess.withStarted([
            "serve", file, "--port", "0", "--time-scale", "0",
        ]) { serve in
            let port = try #require(serve.servingPort)
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"x"}]}"#,
                port: port
            )
            serve.interrupt()
            return exchange.response?.bodyText ?? ""
        }
        #expect(body.contains(#""content":"after""#) && body.contains("[DONE]"))
        #expect(ended.exitCode == 130)
        let negative = try await CLIProcess.run(["serve", file, "--time-scale", "-1"])
        #expect(negative.exitCode == 2)
        #expect(
            negative.stderr.contains("--time-scale must be 0 or more (1 plays delays as written); -1.0 is out of range")
        )
    }

    /// `list --json`: what each entry plays, and what keeps a stream from being a clean one.
    @Test func listJSONSaysWhatEachEntryPlays() async throws {
        let file = try writeScenario(
            """
            name: listed
            tags: [a]
            turns: [ { user: hi } ]
            llm:
              - profile: anthropic
                stream:
                  - tool_call: { index: 0, id: c1, name: f, arguments: '{"x"' }
                  - tool_call: { index: 0, arguments: ': 1}' }
                  - finish: tool_calls
              - stream: [ { text: cut }, { disconnect: true } ]
              - { status: 429, body: slow down }
            """
        )
        let result = try await CLIProcess.run(["list", "--json", file])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let listed = try ScenarioValue.parseJSON(Array(result.stdout.utf8))
        let scenario = try #require(listed["scenarios"]?.arrayValue?.first)
        #expect(scenario["name"] == .string("listed") && scenario["tags"] == .array([.string("a")]))
        let entries = try #require(scenario["llm"]?.arrayValue)
        #expect(entries.count == 3)
        #expect(entries[0]["profile"] == .string("anthropic") && entries[0]["finish"] == .string("tool_calls"))
        let call = try #require(entries[0]["tool_calls"]?.arrayValue?.first)
        #expect(entries[0]["tool_calls"]?.arrayValue?.count == 1)
        #expect(call["id"] == .string("c1") && call["name"] == .string("f"))
        #expect(call["arguments"] == .string(#"{"x": 1}"#))
        #expect(entries[0]["anomalies"] == .array([]))
        #expect(entries[1]["text"] == .string("cut") && entries[1]["anomalies"] == .array([.string("disconnect")]))
        #expect(entries[2]["kind"] == .string("plain") && entries[2]["status"] == .int(429))
    }

    @Test func lintPassesOnAValidFile() async throws {
        let file = try writeScenario("turns: [ { user: hi } ]\nllm:\n  - stream: [ { text: x } ]\n")
        let result = try await CLIProcess.run(["lint", file])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "1 valid, 0 wrong\n")
    }
}

/// `serve --watch`: a broken edit keeps the old script and prints the problem; a fix reloads.
@Suite(.serialized)
struct ServeWatchTests {
    @Test func brokenEditKeepsTheOldScriptAndAFixReloads() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sr-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("s.yaml").path
        try "llm: [ { stream: [ { text: first } ] } ]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["serve", directory.path, "--port", "0", "--loop", "--watch"]
        let (_, ended) = try await CLIProcess.withStarted(arguments) { serve in
            let port = try #require(serve.servingPort)
            let body = #"{"messages":[{"role":"user","content":"x"}]}"#

            // The server's own line on stderr says when the edit was read (not a sleep).
            try "llm: [ { stream: [ { txt: broken } ] } ]\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(await serve.line(on: .stderr, containing: "kept the previous script") != nil)
            let diagnostic = "\(file):1:22: error: unknown key 'txt' in a frame (did you mean 'text'?)"
            #expect(serve.lines(on: .stderr).contains { $0.contains(diagnostic) }, "\(serve.lines(on: .stderr))")
            let old = try await RawHTTPClient.post(path: "/v1/chat/completions", json: body, port: port)
            #expect(old.response?.bodyText.contains(#""content":"first""#) == true)

            try "llm: [ { stream: [ { text: second } ] } ]\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(await serve.line(on: .stderr, containing: "reloaded 1 scenario(s)") != nil)
            let new = try await RawHTTPClient.post(path: "/v1/chat/completions", json: body, port: port)
            #expect(new.response?.bodyText.contains(#""content":"second""#) == true)
            serve.interrupt()
        }
        #expect(ended.exitCode == 130)
    }
}

extension StartedCLI {
    /// The port in `serve`'s first line (`Serving … at http://127.0.0.1:PORT/v1`).
    var servingPort: Int? {
        self.firstLine.split(separator: ":").last.flatMap { Int($0.split(separator: "/").first ?? "") }
    }
}
