import Foundation
import StreamReplayTestSupport
import Testing

/// The hardening issue's command-line regressions: selections that play nothing, numbers out of
/// range, URLs that are not URLs, an unreachable live endpoint, Ctrl-C, and import's refusals.
@Suite(.serialized)
struct HardeningCLITests {
    private func folder(_ files: [String: String]) throws -> String {
        try CLIProcess.temporaryFolder(files, prefix: "sr-hcli")
    }

    static let passing = RunCommandTests.passing

    // MARK: no false green

    @Test func aTagThatMatchesNothingExits2() async throws {
        let dir = try folder(["a.yaml": "tags: [idempotency]\n" + Self.passing])
        let result = try await CLIProcess.run(["run", dir, "--tag", "idempotncy"])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains("error: no scenario matches --tag idempotncy among 1 scenario file(s) in \(dir)")
        )
        let allowed = try await CLIProcess.run(["run", dir, "--tag", "idempotncy", "--allow-empty"])
        #expect(allowed.exitCode == 0)
    }

    @Test func aFilterThatMatchesNothingExits2() async throws {
        let dir = try folder(["a.yaml": Self.passing])
        let result = try await CLIProcess.run(["run", dir, "--filter", "nothing-like-this"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("no scenario matches --filter 'nothing-like-this'"))
    }

    @Test func aFolderWithoutScenariosExits2() async throws {
        let dir = try folder(["notes.txt": "not a scenario"])
        let result = try await CLIProcess.run(["run", dir])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("no scenario matches: no scenario files (.yaml, .yml) in \(dir)"))
    }

    @Test func lintOfAFolderWithoutScenariosExits2() async throws {
        let dir = try folder(["notes.txt": "not a scenario"])
        let result = try await CLIProcess.run(["lint", dir])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("no scenario matches: no scenario files (.yaml, .yml) in \(dir)"))
    }

    @Test func aLiveRunThatSkipsEverythingExits2() async throws {
        let dir = try folder(["a.yaml": Self.passing])
        let result = try await CLIProcess.run([
            "run", "--live", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", dir,
        ])
        #expect(result.exitCode == 2)
        #expect(result.stdout.contains("skipped: no live: section"))
        #expect(result.stderr.contains("no scenario matches in live mode: all 1 scenario(s) were skipped"))
    }

    // MARK: what was found, said in words

    @Test(arguments: [
        (["run", "--repeat", "-1"], "--repeat must be at least 1; -1 is out of range"),
        (["run", "--jobs", "-4"], "--jobs must be at least 1; -4 is out of range"),
        (
            ["probe", "--base-url", "http://x/v1", "--model", "m", "--timeout", "-5"],
            "--timeout must be at least 1 second; -5 is out of range"
        ),
        (
            ["run", "--live", "--model", "m", "--base-url", "notaurl"],
            "--base-url 'notaurl' is not a URL: it has no http:// or https:// scheme"
        ),
        (
            ["run", "--live", "--model", "m", "--base-url", "http://"],
            "--base-url 'http://' has no host after 'http://'"
        ),
        (["probe", "--model", "m", "--base-url", "ftp://host/v1"], "--base-url 'ftp://host/v1' has the scheme 'ftp'"),
        (["record", "--upstream", "localhost:8080", "--out", "/tmp/x"], "--upstream 'localhost:8080' is not a URL"),
        (
            ["record", "--upstream", "http://127.0.0.1:1/v1", "--out", "/tmp/x", "--port", "-1"],
            "--port must be from 0 to 65535; -1 is out of range"
        ),
        (
            ["serve", "scenarios/basic/plain-text.yaml", "--port", "70000"],
            "--port must be from 0 to 65535; 70000 is out of range"
        ),
    ])
    func badValuesAreExplained(arguments: [String], message: String) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func anUnreachableLiveEndpointExits2WithTheTurnsErrorFirst() async throws {
        let dir = try folder([
            "a.yaml": "turns: [ { user: hi } ]\nllm: [ { stream: [ { text: hi }, { finish: stop } ] } ]\n"
                + "live:\n  expect: { text: { $regex: '\\S' } }\n"
        ])
        let closed = try ClosedPort()
        let base = "http://127.0.0.1:\(closed.port)/v1"
        let result = try await CLIProcess.run(["run", "--live", "--base-url", base, "--model", "m", dir])
        withExtendedLifetime(closed) {}
        #expect(result.exitCode == 2)
        #expect(result.stdout.contains("first divergence at turns[0]: turn 1 (req-1) failed unexpectedly"))
        #expect(result.stdout.contains(#""code":"connect_failed""#))
        #expect(result.stdout.contains("← no response"))
        #expect(!result.stdout.contains("← 200"))
        #expect(result.stderr.contains("error: cannot reach \(base)"))
        #expect(result.stderr.contains("Connection refused"))
    }

    @Test func probeOfAnUnreachableEndpointNamesTheErrorAndExits2() async throws {
        let closed = try ClosedPort()
        let base = "http://127.0.0.1:\(closed.port)/v1"
        let result = try await CLIProcess.run(["probe", "--base-url", base, "--model", "m"])
        withExtendedLifetime(closed) {}
        #expect(result.exitCode == 2)
        #expect(!result.stdout.contains("timeout"))
        #expect(
            result.stdout.contains(
                "plain text: connect_failed: Could not connect to \(base)/chat/completions: Connection refused"
            )
        )
    }

    // MARK: Ctrl-C

    @Test func anInterruptedRunReportsWhatFinishedAndExits130() async throws {
        var files: [String: String] = [:]
        for number in 0..<300 { files[String(format: "s%03d.yaml", number)] = Self.passing }
        let dir = try folder(files)
        let junit = dir + "/report.xml"
        let json = dir + "/report.json"
        // Interrupt once the first verdict is out: the run is under way, far from its end.
        let (_, ended) = try await CLIProcess.withStarted([
            "run", dir, "--jobs", "1", "--junit", junit, "--json", json,
        ]) { run in
            run.interrupt()
        }
        let text = ended.stdout
        #expect(ended.exitCode == 130)
        let lines = text.split(separator: "\n")
        let passed = lines.filter { $0.hasPrefix("✓ ") }.count
        let interrupted = lines.filter { $0.hasSuffix("skipped: interrupted") }.count
        #expect(passed >= 1 && interrupted >= 1)
        #expect(passed + interrupted == 300)
        #expect(lines.last == "\(passed) passed, 0 failed, \(interrupted) skipped")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.components(separatedBy: "<skipped message=\"interrupted\"/>").count - 1 == interrupted)
        let report = try String(contentsOfFile: json, encoding: .utf8)
        #expect(report.contains(#""interrupted":true"#))
        #expect(report.contains(#""skip_reason":"interrupted""#))
    }

    // MARK: import

    @Test func importNeverWritesOverAnExistingFileUnlessForced() async throws {
        let dir = try folder([
            "dump.sse":
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
            "mine.yaml": "# hand-written\n",
        ])
        let refused = try await CLIProcess.run(["import", dir + "/dump.sse", "--out", dir + "/mine.yaml"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("\(dir)/mine.yaml: error: the file exists"))
        #expect(try String(contentsOfFile: dir + "/mine.yaml", encoding: .utf8) == "# hand-written\n")
        let forced = try await CLIProcess.run(["import", dir + "/dump.sse", "--out", dir + "/mine.yaml", "--force"])
        #expect(forced.exitCode == 0)
        #expect(try String(contentsOfFile: dir + "/mine.yaml", encoding: .utf8).contains("imported: dump"))
    }

    @Test func importPointsEditorsAtTheSchemaWhenAFolderAboveHasIt() async throws {
        let dump = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
        let dir = try folder(["dump.sse": dump, "docs/scenario.schema.json": "{}", "scenarios/bugs/.keep": ""])
        let result = try await CLIProcess.run(["import", dir + "/dump.sse", "--out", dir + "/scenarios/bugs/hi.yaml"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let yaml = try String(contentsOfFile: dir + "/scenarios/bugs/hi.yaml", encoding: .utf8)
        #expect(yaml.hasPrefix("# yaml-language-server: $schema=../../docs/scenario.schema.json\n"))
        // Without a schema anywhere above, no line that would point at nothing.
        let bare = try folder(["dump.sse": dump])
        #expect(try await CLIProcess.run(["import", bare + "/dump.sse", "--out", bare + "/hi.yaml"]).exitCode == 0)
        #expect(!(try String(contentsOfFile: bare + "/hi.yaml", encoding: .utf8)).contains("yaml-language-server"))
    }

    @Test func importRefusesProseWithExit2() async throws {
        let dir = try folder(["notes.txt": "The stream broke at noon.\n"])
        let result = try await CLIProcess.run(["import", dir + "/notes.txt", "--out", dir + "/out.yaml"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("no chat-completions chunk in it"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.yaml"))
    }

    @Test func importSnapshotOfToolCallsWritesNoFakeErrorAndExits1() async throws {
        let chunk =
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#
        let dir = try folder(["tools.sse": "data: \(chunk)\n\ndata: [DONE]\n\n"])
        let result = try await CLIProcess.run(["import", dir + "/tools.sse", "--out", dir + "/out.yaml", "--snapshot"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("the capture ends in tool calls (get_weather)"))
        let yaml = try String(contentsOfFile: dir + "/out.yaml", encoding: .utf8)
        #expect(!yaml.contains("expect:"))
        #expect(!yaml.contains("beyond the script"))
    }
}
