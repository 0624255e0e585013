import ArgumentParser
import Dispatch
import Foundation
import Logging
import StreamReplayFakeLLM
import StreamReplayScenario

/// `stream-replay serve`: the fake LLM as a standing server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve scenarios' llm scripts as a fake OpenAI-compatible server.",
        discussion: """
            Each POST /v1/chat/completions (or /chat/completions) gets the next answer of the \
            script, streamed exactly as its frames say. By default a request beyond the script \
            gets HTTP 500; --loop starts the script again instead, and --match answers each \
            request with the first entry whose `request` matcher matches it. An invalid \
            conversation gets a provider-style 400. With several files (or a folder), the \
            request's `model` picks the scenario whose engine.model (or file name, or name) it \
            names.

            The same frames are also served as other APIs' native streams: Anthropic's Messages \
            API on POST /v1/messages and OpenAI's Responses API on POST /v1/responses \
            (docs/wire-profiles.md). An answer plays in its entry's `profile`, else in \
            --profile, else in the format of the endpoint the request came to; a request to \
            another profile's endpoint gets HTTP 404 naming the right one. Each endpoint \
            checks requests as its provider does (400 in that provider's error shape).

            Endpoints:
              POST /v1/chat/completions            the next (or matching) answer
              POST /v1/messages                    the same, as an Anthropic Messages stream
              POST /v1/responses                   the same, as an OpenAI Responses stream
              GET  /v1/models                      every name a request's model can pick
              GET  /_stream-replay/requests?since=N  the journal (JSON, secrets redacted)
              POST /_stream-replay/reset           rewind the scripts and clear the journal

            Examples:
              stream-replay serve scenarios/basic/plain-text.yaml --port 8080
              stream-replay serve scenarios/standing --match --watch
              stream-replay serve scenarios/basic/plain-text.yaml --profile anthropic
              curl -N http://127.0.0.1:8080/v1/chat/completions \\
                -H 'content-type: application/json' \\
                -d '{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":true}'

            Stop with Ctrl-C (exit code 130). A port in use exits 2.
            """
    )

    @Argument(
        help: "Scenario files or folders whose `llm` sections are served.",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var paths: [String]

    @Option(parsing: .unconditional, help: "The port to listen on; 0 picks a free one.")
    var port: Int = 8080

    @Option(help: "The address to bind. Keep 127.0.0.1 unless other machines must reach it.")
    var host: String = "127.0.0.1"

    @Flag(help: "After the last answer, start again from the first.")
    var loop = false

    @Flag(
        help: "Answer with the first entry whose `request` matcher matches the request body (entries are not used up)."
    )
    var match = false

    @Option(parsing: .unconditional, help: "How many of the newest requests the journal keeps.")
    var journalLimit: Int = 1000

    @Flag(help: "Reload the files when they change (a broken edit keeps the old script).")
    var watch = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Play each delay_ms frame this many times as long: 0.1 is ten times faster, 0 plays no delay.",
            valueName: "factor"
        )
    )
    var timeScale: Double = 1

    @Option(
        help: ArgumentHelp(
            "Play every answer whose entry names no profile in this wire format: openai, anthropic or openai-responses.",
            valueName: "profile"
        )
    )
    var profile: String?

    @Flag(help: "Log every request on stderr.")
    var verbose = false

    func validate() throws {
        try OptionCheck.port(self.port)
        try OptionCheck.require(self.journalLimit, atLeast: 1, flag: "--journal-limit")
        guard self.timeScale >= 0, self.timeScale.isFinite else {
            throw ValidationError(
                "--time-scale must be 0 or more (1 plays delays as written); \(self.timeScale) is out of range"
            )
        }
        if let profile { _ = try OptionCheck.profile(profile) }
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: self.verbose)
        let scripts: [FakeLLMScript]
        // Taken before loading: an edit made right after start is still noticed by --watch.
        let fingerprint = Self.fingerprint(self.paths)
        switch Self.load(self.paths) {
        case .success(let loaded):
            scripts = loaded
        case .failure(let problem):
            Output.error(problem.text)
            throw ExitCode(2)
        }
        var options = FakeLLMOptions(loop: self.loop, match: self.match, journalLimit: self.journalLimit)
        if let profile = self.profile { options.profile = try OptionCheck.profile(profile) }
        let signals = Signals.listen([SIGINT, SIGTERM])
        let signal: Int32
        do {
            signal = try await FakeLLMServer.withRunning(
                scripts: scripts,
                host: self.host,
                port: self.port,
                options: options,
                pacer: RealTimePacer(scale: self.timeScale)
            ) { server in
                let names = scripts.map {
                    "'\($0.scenarioName)' (\($0.answers.count) llm entr\($0.answers.count == 1 ? "y" : "ies"))"
                }
                Output.line("Serving \(names.joined(separator: ", ")) at \(server.baseURL)")
                Output.line("Journal: http://\(self.host):\(server.port)/_stream-replay/requests   Stop: Ctrl-C")
                if self.watch {
                    return await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            await Self.watch(self.paths, from: fingerprint, server: server)
                        }
                        let signal = await signals.next()
                        group.cancelAll()
                        return signal
                    }
                }
                return await signals.next()
            }
        } catch let error as FakeLLMError {
            Output.error("error: \(error.message)")
            throw ExitCode(2)
        }
        throw ExitCode(128 + signal)
    }

    struct LoadProblem: Error {
        var text: String
    }

    /// Loads every scenario of `paths` as a script; all problems of all files in one text.
    static func load(_ paths: [String]) -> Result<[FakeLLMScript], LoadProblem> {
        let files: [String]
        do {
            files = try ScenarioDiscovery.files(in: paths)
        } catch {
            return .failure(LoadProblem(text: error.message))
        }
        if files.isEmpty {
            return .failure(
                LoadProblem(text: "error: no scenario files (.yaml, .yml) found in \(paths.joined(separator: ", "))")
            )
        }
        var scripts: [FakeLLMScript] = []
        var problems: [String] = []
        for file in files {
            do {
                let scenario = try ScenarioLoader(options: .init(requireTurns: false, requireLLM: true)).load(
                    file: file
                )
                scripts.append(FakeLLMScript(scenario: scenario))
            } catch {
                problems.append(error.description)
            }
        }
        return problems.isEmpty ? .success(scripts) : .failure(LoadProblem(text: problems.joined(separator: "\n")))
    }

    /// Polls the files once a second; reloads on a change, keeping the old scripts when the new
    /// files are wrong (the problem is printed) or gone.
    static func watch(_ paths: [String], from fingerprint: [String: Date], server: FakeLLMServer) async {
        var last = fingerprint
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            let now = Self.fingerprint(paths)
            guard now != last else { continue }
            last = now
            switch Self.load(paths) {
            case .success(let scripts):
                await server.reload(scripts: scripts)
                Output.error("reloaded \(scripts.count) scenario(s)")
            case .failure(let problem):
                Output.error(problem.text)
                Output.error("kept the previous script")
            }
        }
    }

    /// Paths and modification times of the scenario files, to notice changes.
    static func fingerprint(_ paths: [String]) -> [String: Date] {
        let files = (try? ScenarioDiscovery.files(in: paths)) ?? []
        var result: [String: Date] = [:]
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            result[file] = attributes?[.modificationDate] as? Date ?? .distantPast
        }
        return result
    }
}
