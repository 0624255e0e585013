import ArgumentParser
import Dispatch
import Foundation
import Logging
import StreamReplayFakeLLM
import StreamReplayScenario

/// `stream-replay serve`: the fake LLM as a standing server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a scenario's llm script as a fake OpenAI-compatible server.",
        discussion: """
            Each POST /v1/chat/completions (or /chat/completions) gets the next answer of the \
            script, streamed exactly as its frames say. A request beyond the script gets HTTP 500; \
            an invalid conversation gets a provider-style 400. Point any OpenAI client at the \
            printed base URL.

            Endpoints:
              POST /v1/chat/completions        the next answer of the script
              GET  /v1/models                  the scenario's model(s)
              GET  /_stream-replay/requests    the journal of requests (JSON, secrets redacted)
              POST /_stream-replay/reset       rewind the script and clear the journal

            Example:
              stream-replay serve scenarios/basic/plain-text.yaml --port 8080
              curl -N http://127.0.0.1:8080/v1/chat/completions \\
                -H 'content-type: application/json' \\
                -d '{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":true}'

            Stop with Ctrl-C (exit code 130).
            """
    )

    @Argument(help: "The scenario file whose `llm` section is played.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port: Int = 8080

    @Option(help: "The address to bind. Keep 127.0.0.1 unless other machines must reach it.")
    var host: String = "127.0.0.1"

    @Flag(help: "Log every request on stderr.")
    var verbose = false

    func validate() throws {
        guard (0...65_535).contains(self.port) else {
            throw ValidationError("--port must be from 0 to 65535, found \(self.port)")
        }
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: self.verbose)
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader(options: .init(requireTurns: false, requireLLM: true)).load(file: self.scenario)
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        let script = FakeLLMScript(scenario: loaded)
        let signal: Int32
        do {
            signal = try await FakeLLMServer.withRunning(script: script, host: self.host, port: self.port) { server in
                Output.line(
                    "Serving '\(loaded.name)' (\(loaded.llm.count) llm entr\(loaded.llm.count == 1 ? "y" : "ies")) at \(server.baseURL)"
                )
                Output.line("Journal: http://\(self.host):\(server.port)/_stream-replay/requests   Stop: Ctrl-C")
                return await Signals.next([SIGINT, SIGTERM])
            }
        } catch let error as FakeLLMError {
            Output.error("error: \(error.message)")
            throw ExitCode(2)
        }
        throw ExitCode(128 + signal)
    }
}
