import ArgumentParser
import Foundation
import StreamReplayRunner
import StreamReplayScenario

/// Checks of option values that several subcommands share, each failing with one sentence that
/// names the flag, what was found and what is expected.
enum OptionCheck {
    /// An adapter command whose first word can be started: `stream-replay` (this executable), a
    /// path to an executable file, or a name found on `PATH`. (The shell runs the rest; this only
    /// catches the common mistake early, with one line instead of one error per scenario.)
    ///
    /// - Throws: `ValidationError` naming the command and what was not found.
    static func adapterCommand(_ command: String, flag: String) throws {
        let words = command.split(whereSeparator: \.isWhitespace).map(String.init)
        // A command that sets variables or uses shell syntax first is left to the shell.
        guard let first = words.first(where: { !$0.contains("=") }) else {
            throw ValidationError("\(flag) is empty; give the command that starts your adapter")
        }
        if first == "stream-replay" || first.contains("$") || first.contains("(") || first.contains("'")
            || first.contains("\"")
        {
            return
        }
        let builtins: Set<String> = ["exec", "env", "cd", "command", "nice", "timeout", ".", "eval"]
        if builtins.contains(first) { return }
        if first.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: first) else {
                throw ValidationError("cannot start the adapter '\(command)': \(first) is not an executable file")
            }
            return
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let found = path.split(separator: ":").contains { folder in
            FileManager.default.isExecutableFile(atPath: "\(folder)/\(first)")
        }
        if !found {
            throw ValidationError("cannot start the adapter '\(command)': '\(first)' is not a command on PATH")
        }
    }

    /// An http(s) URL with a host, such as `https://api.openai.com/v1`.
    ///
    /// - Returns: The URL text as given.
    /// - Throws: `ValidationError` naming `flag` and saying what is missing.
    @discardableResult
    static func endpoint(_ text: String, flag: String) throws -> String {
        let example = "give a base URL such as https://api.openai.com/v1 or http://127.0.0.1:8080/v1"
        if text.isEmpty {
            throw ValidationError("\(flag) is empty; \(example)")
        }
        if text.contains(where: \.isWhitespace) {
            throw ValidationError("\(flag) '\(text)' contains a space; \(example)")
        }
        guard let schemeEnd = text.range(of: "://") else {
            throw ValidationError("\(flag) '\(text)' is not a URL: it has no http:// or https:// scheme; \(example)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ValidationError("\(flag) '\(text)' has the scheme '\(scheme)'; only http and https are supported")
        }
        guard let url = URL(string: text), let host = url.host(), !host.isEmpty else {
            throw ValidationError("\(flag) '\(text)' has no host after '\(scheme)://'; \(example)")
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw ValidationError("\(flag) '\(text)' has the port \(port), out of range (1-65535)")
        }
        return text
    }

    /// A whole number of at least `minimum`. Options that take numbers are declared with
    /// `parsing: .unconditional`, so that `--repeat -1` reaches this check instead of reading as
    /// a missing value.
    ///
    /// - Throws: `ValidationError`: `--repeat must be at least 1; -1 is out of range`.
    static func require(_ value: Int, atLeast minimum: Int, flag: String, unit: String = "") throws {
        guard value >= minimum else {
            let what = unit.isEmpty ? "\(minimum)" : "\(minimum) \(unit)"
            throw ValidationError("\(flag) must be at least \(what); \(value) is out of range")
        }
    }

    /// A TCP port to listen on, 0 (any free port) to 65535.
    static func port(_ value: Int, flag: String = "--port") throws {
        guard (0...65_535).contains(value) else {
            throw ValidationError("\(flag) must be from 0 to 65535; \(value) is out of range")
        }
    }
}

extension OptionCheck {
    /// A `--profile` name: `openai`, `anthropic` or `openai-responses`.
    static func profile(_ name: String) throws -> Scenario.StreamAnswer.Profile {
        guard let profile = Scenario.StreamAnswer.Profile(rawValue: name) else {
            let known = Scenario.StreamAnswer.Profile.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--profile \(name): unknown wire format (known: \(known))")
        }
        return profile
    }

    /// The engine behind an adapter command (`run --engine`, `matrix --engine`), once its first
    /// word is known to start; one that cannot is one line on stderr and exit 2, before any
    /// scenario runs.
    ///
    /// - Throws: `ExitCode(2)` after printing why the command cannot start.
    static func adapter(_ command: String) throws -> AdapterEngine {
        do {
            try self.adapterCommand(command, flag: "--engine")
        } catch let error as ValidationError {
            Output.error("error: \(error.message)")
            throw ExitCode(2)
        }
        return AdapterEngine(command: command, selfExecutable: Output.executablePath)
    }
}
