import Foundation
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayRunner
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// Engines behind the adapter protocol, over real child processes: the reference adapter gives
/// the in-process verdicts, broken and hung adapters are reported and never left behind, a
/// `concurrently` turn goes through the protocol, and missing capabilities are not applicable.
@Suite(.serialized)
struct AdapterTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private func folder(_ files: [String: String]) throws -> String {
        try CLIProcess.temporaryFolder(files, prefix: "sr-adapter")
    }

    /// An adapter in real time without events: it asks the fake once per turn and answers
    /// `Hello`.
    static let echoAdapter = """
        import sys, json, urllib.request
        def send(obj): print(json.dumps(obj), flush=True)
        for line in sys.stdin:
            msg = json.loads(line)
            if msg["type"] == "start":
                start = msg
                send({"type": "ready", "engine": "echo 1", "capabilities": []})
            elif msg["type"] == "turn":
                body = json.dumps({"model": start["model"], "stream": True,
                                   "messages": [{"role": "user", "content": msg["text"]}]}).encode()
                request = urllib.request.Request(start["base_url"] + "/chat/completions", data=body,
                                                 headers={"content-type": "application/json"})
                urllib.request.urlopen(request).read()
                send({"type": "message", "turn": msg["turn"],
                      "message": {"type": "text", "content": "Hello", "metadata": {"type": "delta", "hop": 0}}})
                send({"type": "turn_done", "turn": msg["turn"]})
            elif msg["type"] == "stop":
                break
        """

    private var reference: AdapterEngine {
        AdapterEngine(command: "stream-replay adapter", selfExecutable: CLIProcess.executable.path)
    }

    // MARK: the reference adapter

    @Test func theReferenceAdapterGivesTheInProcessVerdictOfEveryBundledScenario() async throws {
        // It carries the virtual clock across the protocol (`clock`), so nothing is skipped:
        // idle timeouts, retries, delays, timestamps and concurrent copies included.
        let files = try ScenarioDiscovery.files(in: [Self.repository.appendingPathComponent("scenarios").path])
        #expect(files.count >= 100)
        let inProcess = await ScenarioRunner(options: .init(jobs: 2)).run(files: files)
        let adapter = await ScenarioRunner(options: .init(jobs: 2, engine: self.reference)).run(files: files)
        #expect(adapter.results.map(\.file) == files)
        for (ours, theirs) in zip(inProcess.results, adapter.results) {
            #expect(theirs.verdict == ours.verdict, "\(theirs.file): \(theirs.failures.first?.message ?? "")")
            #expect(theirs.failures.map(\.path) == ours.failures.map(\.path), "\(theirs.file)")
            #expect(theirs.notApplicable.isEmpty, "the reference adapter reports events and writes")
            #expect(theirs.engine?.hasPrefix("StreamReplay ChatEngine") == true)
        }
    }

    @Test func anAdapterInRealTimeSkipsWhatNeedsTheVirtualClockNamingTheRule() async throws {
        let delayed = """
            name: a pause
            turns: [ { user: hi } ]
            llm: [ { stream: [ { text: Hel }, { delay_ms: 600000 }, { text: lo }, { finish: stop } ] } ]
            """
        let dir = try folder([
            "a-plain.yaml": RunCommandTests.passing,
            "b-delayed.yaml": delayed,
            "c-delayed.yaml": delayed.replacingOccurrences(of: "a pause", with: "another pause"),
            "echo.py": Self.echoAdapter,
        ])
        let result = try await CLIProcess.run(["run", dir, "--engine", "python3 \(dir)/echo.py", "--jobs", "1"])
        #expect(result.exitCode == 0, "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "- a pause  \(dir)/b-delayed.yaml · skipped: needs the virtual clock: llm[0] has a delay_ms frame"
            )
        )
        #expect(result.stdout.contains("1 passed, 0 failed, 2 skipped"))
        // Everything skipped offline is exit 2, and says why (not a word about live mode).
        let none = try await CLIProcess.run([
            "run", "\(dir)/b-delayed.yaml", "\(dir)/c-delayed.yaml", "--engine", "python3 \(dir)/echo.py",
        ])
        #expect(none.exitCode == 2)
        #expect(
            none.stderr.contains(
                "error: no scenario matches that can be played: all 2 scenario(s) of 2 scenario file(s) in \(dir)/b-delayed.yaml, \(dir)/c-delayed.yaml were skipped (needs the virtual clock: llm[0] has a delay_ms frame)"
            ),
            "\(none.stderr)"
        )
        #expect(!none.stderr.contains("live"))
    }

    @Test func aConcurrentTurnGoesThroughTheProtocolOnce() async throws {
        // The runner skips concurrent turns for an adapter (real time), so this drives the
        // session directly: five copies of one request id sent together.
        let scenario = try ScenarioLoader().load(
            yaml: """
                turns: [ { user: hi, request_id: r1, concurrently: 5 } ]
                llm: [ { stream: [ { text: once }, { finish: stop } ] } ]
                """,
            file: "concurrent.yaml"
        )
        let copies = try await ScenarioRunner(options: .init(jobs: 1, engine: self.reference)).messagesOfEachTurn(
            scenario
        )
        #expect(copies.count == 5)
        let fresh = copies.filter { copy in !copy.contains { $0[metadata: "cached"] == .bool(true) } }
        #expect(fresh.count == 1, "one copy runs the turn, the others replay it: \(copies)")
        #expect(copies.allSatisfy { $0.map(\.content).joined() == "once" })
    }

    @Test func liveModeThroughTheReferenceAdapterRunsInRealTimeRetriesIncluded() async throws {
        // A provider that refuses once (429) and then answers: the adapter's engine waits its
        // back-off on the real clock (the runner offers no clock in live mode) and completes.
        let provider = FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(
                yaml: """
                    llm:
                      - { status: 429, headers: { Retry-After: "0" }, body: busy }
                      - stream: [ { text: "Sunny." }, { finish: stop } ]
                    """,
                file: "provider.yaml"
            )
        )
        let dir = try folder([
            "live.yaml": """
            name: live with a retry
            engine: { llm_retries: 1 }
            turns: [ { user: weather? } ]
            llm: [ { stream: [ { text: x }, { finish: stop } ] } ]
            live:
              expect:
                text: Sunny.
                llm_requests: 2
            """
        ])
        try await FakeLLMServer.withRunning(script: provider) { server in
            let target = LiveTarget(baseURL: server.baseURL, model: "m", apiKey: nil)
            let runner = ScenarioRunner(
                options: .init(jobs: 1, timeout: .seconds(20), live: target, engine: self.reference)
            )
            let summary = await runner.run(files: [dir + "/live.yaml"])
            #expect(
                summary.results.map(\.verdict) == [.pass],
                "\(summary.results.first?.failures.first?.message ?? "")"
            )
            #expect(await server.journal().count == 2, "the back-off was waited and the retry sent")
            // The adapter's engine talks to the provider itself: what the runner cannot see is
            // not applicable, never passed.
            #expect(summary.results.first?.notApplicable.prefix(2) == ["live.expect.llm_requests", "wire"])
        }
    }

    // MARK: wire profiles

    /// An adapter whose engine speaks Anthropic's Messages API: it says so in `ready`, posts to
    /// `/messages` and rebuilds the text from `text_delta` events (an HTTP error becomes its text).
    static let anthropicAdapter = """
        import sys, json, urllib.request, urllib.error
        def send(obj): print(json.dumps(obj), flush=True)
        for line in sys.stdin:
            msg = json.loads(line)
            if msg["type"] == "start":
                start = msg
                send({"type": "ready", "engine": "claude-like 1", "capabilities": [], "profile": PROFILE})
            elif msg["type"] == "turn":
                body = json.dumps({"model": start["model"], "max_tokens": 64, "stream": True,
                                   "messages": [{"role": "user", "content": msg["text"]}]}).encode()
                request = urllib.request.Request(start["base_url"] + "/messages", data=body,
                                                 headers={"content-type": "application/json"})
                try:
                    text = ""
                    for raw in urllib.request.urlopen(request).read().decode().splitlines():
                        if raw.startswith("data: "):
                            event = json.loads(raw[6:])
                            if event.get("type") == "content_block_delta" and event["delta"]["type"] == "text_delta":
                                text += event["delta"]["text"]
                except urllib.error.HTTPError as error:
                    text = "HTTP %d: %s" % (error.code, error.read().decode())
                send({"type": "message", "turn": msg["turn"],
                      "message": {"type": "text", "content": text, "metadata": {"type": "delta", "hop": 0}}})
                send({"type": "turn_done", "turn": msg["turn"]})
            elif msg["type"] == "stop":
                break
        """

    static let plainScenario = """
        name: plain
        turns: [ { user: hi, expect: { text: Hello world } } ]
        llm: [ { stream: [ { text: "Hello " }, { text: world }, { finish: stop } ] } ]
        """

    @Test func theAdaptersReadyProfileIsTheRunsDefaultAndProfileOverridesIt() async throws {
        let dir = try folder([
            "plain.yaml": Self.plainScenario,
            "claude.py": Self.anthropicAdapter.replacingOccurrences(of: "PROFILE", with: #""anthropic""#),
        ])
        let engine = "python3 \(dir)/claude.py"
        let played = try await CLIProcess.run(["run", dir + "/plain.yaml", "--engine", engine])
        #expect(played.exitCode == 0, "\(played.stdout)\(played.stderr)")
        #expect(played.stdout.contains("1 passed, 0 failed"))
        // --profile comes before the adapter's word: the fake now serves chat completions and
        // tells the adapter where its answer is.
        let overridden = try await CLIProcess.run([
            "run", dir + "/plain.yaml", "--engine", engine, "--profile", "openai",
        ])
        #expect(overridden.exitCode == 1, "\(overridden.stdout)")
        #expect(
            overridden.stdout.contains(
                "llm[0] is played as openai (POST /v1/chat/completions); this request came to POST /v1/messages"
            ),
            "\(overridden.stdout)"
        )
    }

    @Test func anAdapterNamingAnUnknownProfileIsAnError() async throws {
        let dir = try folder([
            "plain.yaml": Self.plainScenario,
            "gemini.py": Self.anthropicAdapter.replacingOccurrences(of: "PROFILE", with: #""gemini""#),
        ])
        let result = try await CLIProcess.run(["run", dir + "/plain.yaml", "--engine", "python3 \(dir)/gemini.py"])
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(
            result.stdout.contains(
                #"the adapter's `ready` names profile "gemini", which is none of openai, anthropic, openai-responses"#
            ),
            "\(result.stdout)"
        )
    }

    @Test func profileForChatEngineIsAMisuseSayingWhy() async throws {
        let dir = try folder(["plain.yaml": Self.plainScenario])
        let result = try await CLIProcess.run(["run", dir, "--profile", "anthropic"])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains(
                "--profile anthropic: ChatEngine speaks openai (chat completions) only; add --engine CMD, an adapter whose engine speaks anthropic"
            ),
            "\(result.stderr)"
        )
        let unknown = try await CLIProcess.run(["run", dir, "--profile", "gemini", "--engine", "x"])
        #expect(unknown.exitCode == 2)
        #expect(
            unknown.stderr.contains(
                "--profile gemini: unknown wire format (known: openai, anthropic, openai-responses)"
            )
        )
    }

    // MARK: broken adapters

    @Test func anAdapterThatWritesANonJSONLineIsAnErrorWithItsLineAndStderr() async throws {
        let dir = try folder([
            "a.yaml": RunCommandTests.passing,
            "bad.py": """
            import sys
            sys.stdin.readline()
            print("hello, I am not JSON", flush=True)
            print("my own log line", file=sys.stderr, flush=True)
            sys.stdin.read()
            """,
        ])
        let result = try await CLIProcess.run(["run", dir + "/a.yaml", "--engine", "python3 \(dir)/bad.py"])
        #expect(result.exitCode == 2)
        #expect(result.stdout.contains("! passes"))
        #expect(
            result.stdout.contains(
                "protocol error: the adapter wrote a line that is not a JSON object: hello, I am not JSON"
            )
        )
        #expect(result.stdout.contains("my own log line"))
    }

    @Test func aMessageForATurnNeverSentIsAProtocolError() async throws {
        let dir = try folder([
            "a.yaml": RunCommandTests.passing,
            "stray.py": """
            import sys, json
            def send(obj): print(json.dumps(obj), flush=True)
            for line in sys.stdin:
                msg = json.loads(line)
                if msg["type"] == "start":
                    send({"type": "ready", "engine": "stray", "capabilities": []})
                elif msg["type"] == "turn":
                    send({"type": "turn_done", "turn": msg["turn"] + 41})
                elif msg["type"] == "stop":
                    break
            """,
        ])
        let result = try await CLIProcess.run(["run", dir + "/a.yaml", "--engine", "python3 \(dir)/stray.py"])
        #expect(result.exitCode == 2)
        #expect(
            result.stdout.contains(#"protocol error: turn_done for an unknown turn: {"type": "turn_done", "turn": 42}"#)
        )
    }

    @Test func anAdapterThatExitsEarlyIsAnError() async throws {
        let dir = try folder([
            "a.yaml": RunCommandTests.passing,
            "early.py": """
            import sys, json
            sys.stdin.readline()
            print(json.dumps({"type": "ready", "engine": "early", "capabilities": []}), flush=True)
            sys.exit(3)
            """,
        ])
        let json = dir + "/report.json"
        let result = try await CLIProcess.run([
            "run", dir + "/a.yaml", "--engine", "python3 \(dir)/early.py", "--json", json,
        ])
        #expect(result.exitCode == 2)
        #expect(result.stdout.contains("the adapter exited (or closed its output) before `stop`"))
        let report = try String(contentsOfFile: json, encoding: .utf8)
        #expect(report.contains(#""verdict":"error""#))
    }

    @Test func aHungAdapterIsEndedAfterTheTimeoutAndLeavesNoProcessBehind() async throws {
        let marker = "sr-hung-\(UUID().uuidString.prefix(8))"
        let dir = try folder([
            "a.yaml": RunCommandTests.passing,
            "b.yaml": RunCommandTests.passing.replacingOccurrences(of: "passes", with: "second"),
            "hung.sh": """
            read line
            echo '{"type":"ready","engine":"hung","capabilities":[]}'
            echo "about to hang" >&2
            # A grandchild too: the whole process group must go.
            bash -c 'exec -a \(marker) sleep 300' &
            exec -a \(marker) sleep 300
            """,
        ])
        let result = try await CLIProcess.run([
            "run", dir, "--engine", "bash \(dir)/hung.sh", "--timeout", "1", "--jobs", "1",
        ])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("did not finish within 1.0 seconds"))
        #expect(result.stdout.contains("about to hang"))
        #expect(result.stdout.contains("0 passed, 2 failed"), "the run goes on after a hung adapter")
        let leftover = try CLIProcess.processes(matching: marker)
        #expect(leftover.isEmpty, "left behind: \(leftover)")
    }

    @Test func aCommandThatCannotStartIsOneLineAndExit2() async throws {
        let dir = try folder(["a.yaml": RunCommandTests.passing])
        let result = try await CLIProcess.run(["run", dir, "--engine", "no-such-adapter-binary --flag"])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr
                == "error: cannot start the adapter 'no-such-adapter-binary --flag': 'no-such-adapter-binary' is not a command on PATH\n"
        )
        #expect(result.stdout.isEmpty)
    }

    // MARK: matrix

    @Test func theMatrixTabulatesFindingsExits0AndComparesWithACommittedTable() async throws {
        let dir = try folder([
            "pass.yaml": RunCommandTests.passing,
            "fail.yaml": RunCommandTests.failing,
            "bad.py": "import sys\nsys.stdin.readline()\nprint('nope', flush=True)\nsys.stdin.read()\n",
        ])
        let markdown = dir + "/matrix.md"
        let json = dir + "/matrix.json"
        let result = try await CLIProcess.run(
            [
                "matrix", "pass.yaml", "fail.yaml", "--engine", "ours=in-process", "--engine",
                "reference=stream-replay adapter", "--markdown", markdown, "--json", json,
            ],
            currentDirectory: dir
        )
        #expect(result.exitCode == 0, "a failing cell is a finding: \(result.stderr)")
        let table = """
            | scenario | ours | reference |
            | --- | --- | --- |
            | fail.yaml | fail at expect.messages[0].content | fail at expect.messages[0].content |
            | pass.yaml | pass | pass |
            | **total** | 1 pass, 1 fail, 0 error, 0 skipped | 1 pass, 1 fail, 0 error, 0 skipped |

            """
        #expect(result.stdout == table)
        #expect(try String(contentsOfFile: markdown, encoding: .utf8) == table)
        let report = try String(contentsOfFile: json, encoding: .utf8)
        #expect(report.contains(#""engine":"StreamReplay ChatEngine"#))
        #expect(report.contains(#""first_divergence":"expect.messages[0].content""#))

        // The same table again matches; a changed cell exits 1 and names the row.
        let same = try await CLIProcess.run(
            [
                "matrix", "pass.yaml", "fail.yaml", "--engine", "ours=in-process", "--engine",
                "reference=stream-replay adapter", "--expect", markdown,
            ],
            currentDirectory: dir
        )
        #expect(same.exitCode == 0, "\(same.stderr)")
        try table.replacingOccurrences(of: "| pass.yaml | pass | pass |", with: "| pass.yaml | pass | fail at x |")
            .write(toFile: markdown, atomically: true, encoding: .utf8)
        let changed = try await CLIProcess.run(
            [
                "matrix", "pass.yaml", "fail.yaml", "--engine", "ours=in-process", "--engine",
                "reference=stream-replay adapter", "--expect", markdown,
            ],
            currentDirectory: dir
        )
        #expect(changed.exitCode == 1)
        #expect(changed.stderr.contains("- | pass.yaml | pass | fail at x |\n+ | pass.yaml | pass | pass |"))

        // An adapter that breaks the protocol is a broken command: exit 2.
        let broken = try await CLIProcess.run(
            ["matrix", "pass.yaml", "--engine", "bad=python3 bad.py"],
            currentDirectory: dir
        )
        #expect(broken.exitCode == 2)
        #expect(
            broken.stdout.contains("| pass.yaml | error: the adapter wrote a line that is not a JSON object: nope |")
        )
    }

    // MARK: capabilities

    @Test func checksAnAdapterCannotReportAreNotApplicableAndAloneMakeASkip() async throws {
        let events = """
            name: events only
            turns: [ { user: hi } ]
            llm: [ { stream: [ { text: Hello }, { finish: stop } ] } ]
            expect:
              events: [ { type: user_message }, { type: assistant_message, content: Hello } ]
            """
        let both =
            events.replacingOccurrences(of: "events only", with: "text and events")
            + "\n  messages: [ { type: text, content: Hello } ]\n"
        let dir = try folder([
            "events-only.yaml": events,
            "both.yaml": both,
            "echo.py": Self.echoAdapter,
        ])
        let json = dir + "/report.json"
        let junit = dir + "/report.xml"
        let result = try await CLIProcess.run([
            "run", dir, "--engine", "python3 \(dir)/echo.py", "--json", json, "--junit", junit,
        ])
        #expect(result.exitCode == 0, "\(result.stdout)")
        #expect(result.stdout.contains("✓ text and events"))
        #expect(result.stdout.contains("(events, writes not checked: the engine reports none)"))
        #expect(result.stdout.contains("- events only"))
        #expect(result.stdout.contains("skipped: nothing to check"))
        let report = try String(contentsOfFile: json, encoding: .utf8)
        #expect(report.contains(#""not_applicable":["expect.events","invariant.text-persisted""#))
        #expect(report.contains(#""engine":"echo 1""#))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"<property name="engine" value="echo 1"/>"#))
        #expect(xml.contains(#"<property name="not_applicable" value="expect.events"/>"#))
    }
}
