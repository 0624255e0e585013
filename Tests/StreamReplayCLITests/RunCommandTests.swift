import Foundation
import StreamReplayTestSupport
import Testing

@Suite(.serialized)
struct RunCommandTests {
    private func folder(_ files: [String: String]) throws -> String {
        try CLIProcess.temporaryFolder(files, prefix: "sr-run")
    }

    static let passing =
        "name: passes\nturns: [ { user: hi } ]\nllm: [ { stream: [ { text: Hello }, { finish: stop } ] } ]\n"
    static let failing = """
        name: fails
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: Hello }, { finish: stop } ] } ]
        expect:
          messages: [ { type: text, content: Goodbye } ]
        """

    @Test func allPassExits0WithTheSummaryLineLast() async throws {
        let dir = try folder(["a.yaml": Self.passing])
        let result = try await CLIProcess.run(["run", dir])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("✓ passes  \(dir)/a.yaml · "))
        #expect(result.stdout.hasSuffix("\n1 passed, 0 failed\n"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func aFailureExits1AndWritesReports() async throws {
        let dir = try folder(["a.yaml": Self.passing, "b.yaml": Self.failing])
        let junit = dir + "/out/report.xml"
        let json = dir + "/out/report.json"
        let result = try await CLIProcess.run(["run", dir, "--junit", junit, "--json", json, "--jobs", "1"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("✗ fails  \(dir)/b.yaml"))
        #expect(result.stdout.contains("first divergence at expect.messages[0].content"))
        #expect(result.stdout.hasSuffix("1 passed, 1 failed\n"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<testcase classname=\"\(dir)\" name=\"fails\""))
        #expect(xml.contains("<failure message="))
        let report = try String(contentsOfFile: json, encoding: .utf8)
        #expect(report.contains(#""summary":{"passed":1,"failed":1,"errored":0,"skipped":0"#))
    }

    @Test func aWrongFileExits2WithFileLineColumn() async throws {
        let dir = try folder([
            "a.yaml": Self.passing, "c.yaml": "turns: [ { user: hi } ]\nllm: []\nexpect: { mesages: [] }\n",
        ])
        let result = try await CLIProcess.run(["run", dir])
        #expect(result.exitCode == 2)
        #expect(
            result.stdout.contains(
                "\(dir)/c.yaml:3:11: error: unknown key 'mesages' in 'expect' (did you mean 'messages'?)"
            )
        )
        #expect(result.stdout.hasSuffix("1 passed, 0 failed, 1 errored\n"))
    }

    @Test func lintRefusesAnAliasBombAtItsAliasWithExit2() async throws {
        var lines = [
            "tools:", "  - name: f", "    result: ok", "    parameters:", "      a: &a [x, x, x, x, x, x, x, x, x]",
        ]
        for (level, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let previous = ["a", "b", "c", "d", "e", "f", "g", "h"][level]
            lines.append(
                "      \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]"
            )
        }
        lines += ["turns: [ { user: hi } ]", "llm: [ { stream: [ { text: ok }, { finish: stop } ] } ]"]
        let dir = try folder(["bomb.yaml": lines.joined(separator: "\n") + "\n"])
        let result = try await CLIProcess.run(["lint", dir + "/bomb.yaml"])
        #expect(result.exitCode == 2)
        // The first '*e' of 'f': the alias past which the expansion exceeds its budget.
        #expect(
            result.stderr.contains("\(dir)/bomb.yaml:10:14: error: this alias expands the document beyond 100000 nodes")
        )
    }

    @Test func missingPathExits2() async throws {
        let result = try await CLIProcess.run(["run", "/nonexistent/scenarios"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("/nonexistent/scenarios: error: no such file or folder"))
    }

    @Test func badOptionExits2() async throws {
        let result = try await CLIProcess.run(["run", "--jobs", "0"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--jobs must be at least 1"))
    }

    @Test func listShowsFileNameAndTags() async throws {
        let dir = try folder([
            "a.yaml": "name: alpha\ntags: [x, y]\n" + Self.passing.replacingOccurrences(of: "name: passes\n", with: "")
        ])
        let result = try await CLIProcess.run(["list", dir])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "\(dir)/a.yaml  alpha  [x, y]\n")
    }

    @Test func shrinkWritesASmallerFailingScenarioAndNeverOverAFile() async throws {
        let dir = try folder(["a.yaml": Self.passing, "b.yaml": Self.failing, "taken.yaml": "mine\n"])
        let out = dir + "/small.yaml"
        let shrunk = try await CLIProcess.run(["shrink", dir + "/b.yaml", "--out", out])
        #expect(shrunk.exitCode == 0, "\(shrunk.stderr)")
        #expect(shrunk.stderr.contains("it still fails at expect.messages; written to \(out)"))
        #expect(shrunk.stdout.isEmpty)
        let lint = try await CLIProcess.run(["lint", out])
        #expect(lint.exitCode == 0, "\(lint.stdout)\(lint.stderr)")
        let again = try await CLIProcess.run(["run", out])
        #expect(again.exitCode == 1, "the written scenario still fails")

        let refused = try await CLIProcess.run(["shrink", dir + "/b.yaml", "--out", dir + "/taken.yaml"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("the file exists; shrink never writes over it"))
        #expect(try String(contentsOfFile: dir + "/taken.yaml", encoding: .utf8) == "mine\n")

        let passing = try await CLIProcess.run(["shrink", dir + "/a.yaml"])
        #expect(passing.exitCode == 2)
        #expect(passing.stderr.contains("passes: nothing to shrink"))
        #expect(passing.stdout.isEmpty)
    }

    @Test func faultsRunOverAFolderAndMisuseIsExit2() async throws {
        let dir = try folder(["a.yaml": Self.passing])
        let run = try await CLIProcess.run(["run", dir, "--faults", "42:3"])
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("faults (seed 42): 3 runs: 3 pass"))
        for (arguments, message) in [
            (["--faults", "x"], "--faults: 'x' is not SEED or SEED:RUNS"),
            (["--faults", "1:0"], "RUNS is a whole number from 1 to 10000"),
            (["--faults-out", dir + "/f"], "--faults-out applies to --faults"),
            (["--sweep-limit", "0"], "--sweep-limit"),
        ] {
            let wrong = try await CLIProcess.run(["run", dir] + arguments)
            #expect(wrong.exitCode == 2, "\(arguments)")
            #expect(wrong.stderr.contains(message), "\(wrong.stderr)")
        }
        let blocked = try await CLIProcess.run(["run", dir, "--faults", "1", "--faults-out", dir + "/a.yaml"])
        #expect(blocked.exitCode == 2)
        #expect(blocked.stderr.contains("a file is there, not a folder"))
    }

    // MARK: Reports people look at, and suites as several CI jobs

    @Test func htmlWritesOneSelfContainedPageWithTheFailureFirst() async throws {
        let dir = try folder(["a.yaml": Self.passing, "b.yaml": Self.failing])
        let page = dir + "/out/report.html"
        let result = try await CLIProcess.run(["run", dir, "--html", page, "--jobs", "1"])
        #expect(result.exitCode == 1)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let failing = try #require(html.range(of: "data-name=\"fails\""))
        let passing = try #require(html.range(of: "data-name=\"passes\""))
        #expect(failing.lowerBound < passing.lowerBound, "failures first")
        #expect(html.contains("first divergence at expect.messages[0].content: "))
        #expect(html.contains("<pre>\"Goodbye\"</pre>"), "expected, quotes as they are")
        #expect(html.contains("class=\"timeline\""))
        #expect(!html.contains("src=") && !html.contains("href=\"http"))
    }

    @Test func anEmptyShardExits0AndSaysSo() async throws {
        let dir = try folder(["a.yaml": Self.passing, "b.yaml": Self.failing])
        let empty = try await CLIProcess.run(["run", dir, "--shard", "3/3"])
        #expect(empty.exitCode == 0)
        #expect(empty.stdout == "shard 3/3: no scenarios\n0 passed, 0 failed\n")
        // Part 1 of 2 is a.yaml (passes), part 2 is b.yaml (fails).
        let first = try await CLIProcess.run(["run", dir, "--shard", "1/2"])
        #expect(first.exitCode == 0 && first.stdout.contains("✓ passes") && !first.stdout.contains("fails"))
        #expect(first.stderr.contains("shard 1/2: 1 of 2 selected scenarios"))
        let second = try await CLIProcess.run(["run", dir, "--shard", "2/2"])
        #expect(second.exitCode == 1 && second.stdout.contains("✗ fails"))
        // An empty selection is still a mistake, shard or not.
        let none = try await CLIProcess.run(["run", dir, "--shard", "1/2", "--tag", "nope"])
        #expect(none.exitCode == 2)
    }

    @Test(arguments: [
        ("0/2", "--shard 0/2: parts count from 1"), ("3/2", "--shard 3/2: there are only 2 parts"),
        ("2", "--shard expected I/N"), ("1/0", "--shard 1/0: the number of parts N must be at least 1"),
    ])
    func aWrongShardIsMisuse(value: String, message: String) async throws {
        let dir = try folder(["a.yaml": Self.passing])
        let result = try await CLIProcess.run(["run", dir, "--shard", value])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func onGitHubActionsEachFailureIsAnAnnotationAtItsLine() async throws {
        let dir = try folder(["a.yaml": Self.passing, "b.yaml": Self.failing])
        let github = try await CLIProcess.run(
            ["run", dir],
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": dir]
        )
        #expect(github.exitCode == 1)
        let annotations = github.stdout.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(annotations.count == 1)
        #expect(
            annotations.first?.hasPrefix(
                "::error file=b.yaml,line=5,title=fails::first divergence at expect.messages[0].content: "
            ) == true,
            "\(annotations)"
        )
        #expect(annotations.first?.contains("%0A  expected: \"Goodbye\"") == false)
        #expect(annotations.first?.contains("%0Aexpected: \"Goodbye\"%0Aactual:   \"Hello\"") == true)
        #expect(github.stdout.hasSuffix("1 passed, 1 failed\n"), "the summary stays the last line")
        let plain = try await CLIProcess.run(["run", dir], environment: ["GITHUB_ACTIONS": "false"])
        #expect(!plain.stdout.contains("::error"))
    }

    @Test func noProgressLineInAPipe() async throws {
        let dir = try folder(["a.yaml": Self.passing, "b.yaml": Self.passing])
        let result = try await CLIProcess.run(["run", dir], environment: ["CI": "", "NO_COLOR": ""])
        #expect(result.exitCode == 0)
        #expect(!result.stdout.contains("\r") && !result.stdout.contains("[1/2]"))
        #expect(!result.stderr.contains("[1/2]"))
    }

    @Test(arguments: [
        "run", "serve", "lint", "list", "record", "import", "probe", "schema", "adapter", "matrix", "shrink",
    ])
    func helpTeachesEachCommand(command: String) async throws {
        let result = try await CLIProcess.run([command, "--help"])
        #expect(result.exitCode == 0)
        let mismatch = Snapshot.mismatch(result.stdout, named: "help-\(command).txt", testFile: #filePath)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }
}
