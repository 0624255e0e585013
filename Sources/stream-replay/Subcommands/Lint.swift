import ArgumentParser
import StreamReplayScenario

/// `stream-replay lint`: check scenario files without running them.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files for mistakes without running them.",
        discussion: """
            Every problem of every file is printed compiler-style, with the line and a caret:

              scenarios/x.yaml:12:7: error: unknown key 'modle' in 'engine' (did you mean 'model'?)

            Exit codes: 0 all files are valid, 2 a file is wrong, a path does not exist or holds no \
            scenario file.
            """
    )

    @Argument(help: "Scenario files or folders (searched for .yaml and .yml files).", completion: .file())
    var paths: [String] = ["scenarios"]

    func run() throws {
        let files = try Output.scenarioFiles(in: self.paths)
        if files.isEmpty {
            // Checking nothing must not pass as checking everything.
            Output.error(
                "error: no scenario matches: no scenario files (.yaml, .yml) in \(self.paths.joined(separator: ", "))"
            )
            throw ExitCode(2)
        }
        var wrong = 0
        for file in files {
            do {
                _ = try ScenarioLoader().load(file: file)
            } catch {
                wrong += 1
                Output.error(error.description)
            }
        }
        Output.line("\(files.count - wrong) valid, \(wrong) wrong")
        if wrong > 0 {
            throw ExitCode(2)
        }
    }
}
