import ArgumentParser
import Foundation
import StreamReplayCapture
import StreamReplayRunner

/// `stream-replay record`: a recording proxy that writes each exchange as a scenario.
struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record live traffic through a proxy, one scenario file per exchange.",
        discussion: """
            Point your backend (or any OpenAI client) at the printed URL instead of the provider. \
            Each request is forwarded to --upstream and the answer streamed back unchanged as it \
            arrives; each chat-completions exchange is written to --out as a scenario whose raw \
            frames are the exact bytes of each read, with delay_ms from the real gaps.

            No request header is ever written (Authorization, api-key, x-api-key and cookies \
            included), and secrets are redacted by default in what is written: API keys \
            (sk-…, sk-proj-…, sk-ant-…, gsk_…, xai-…, AIza…), bearer tokens, and the values of \
            JSON fields named api_key, apiKey, access_token, password or secret. --redact \
            removes more (an e-mail address, an internal id).

            Example:
              stream-replay record --upstream https://api.openai.com/v1 --out scenarios/recorded \\
                --redact '[\\w.]+@[\\w.]+'
              OPENAI_BASE_URL=http://127.0.0.1:8081/v1 my-backend
              stream-replay run scenarios/recorded

            Stop with Ctrl-C (exit code 130). A port in use exits 2.
            """
    )

    @Option(help: "The provider's base URL, such as https://api.openai.com/v1.")
    var upstream: String

    @Option(help: "Where scenario files are written (created when missing).")
    var out: String

    @Option(parsing: .unconditional, help: "The port to listen on; 0 picks a free one.")
    var port: Int = 8081

    @Option(help: "The address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "A regular expression whose matches are also replaced by [redacted] (repeatable).")
    var redact: [String] = []

    func validate() throws {
        try OptionCheck.endpoint(self.upstream, flag: "--upstream")
        try OptionCheck.port(self.port)
        for pattern in self.redact where (try? Regex(pattern)) == nil {
            throw ValidationError("--redact '\(pattern)' is not a valid regular expression")
        }
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: false)
        var options = RecordingProxy.Options(upstream: self.upstream, outputDirectory: self.out, redact: self.redact) {
            file in
            Output.line("wrote \(file)")
        }
        options.onProblem = { line in Output.error(line) }
        let signals = Signals.listen([SIGINT, SIGTERM])
        let signal: Int32
        do {
            signal = try await RecordingProxy.withRunning(options: options, host: self.host, port: self.port) { proxy in
                Output.line(
                    "Recording to \(self.out): point clients at \(proxy.baseURL)/v1 (forwarding to \(self.upstream))   Stop: Ctrl-C"
                )
                return await signals.next()
            }
        } catch let error as RecordingError {
            Output.error("error: \(error.description)")
            throw ExitCode(2)
        }
        throw ExitCode(128 + signal)
    }
}
