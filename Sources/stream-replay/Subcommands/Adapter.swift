import ArgumentParser
import Foundation
import Logging
import StreamReplayRunner
import Synchronization

/// `stream-replay adapter`: our ChatEngine behind the adapter protocol, on stdin and stdout.
struct Adapter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve ChatEngine over the adapter protocol on stdin/stdout (the reference adapter).",
        discussion: """
            The runner starts this for `run --engine 'stream-replay adapter'`: it reads the \
            protocol's JSON lines (start, turn, tool_result, events, stop) on standard input \
            and answers on standard output, with ChatEngine persisting into a fresh SQLite file \
            of its own. It reports the capabilities events, writes and concurrency. Time, ids \
            and timestamps are real. Logs go to standard error. See docs/engine-adapter.md.

            Example:
              stream-replay run --engine 'stream-replay adapter' scenarios

            Exit codes: 0 after `stop` or the end of input, 2 when the input is not the protocol.
            """
    )

    @Flag(help: "Log engine details on stderr.")
    var verbose = false

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: self.verbose)
        let lines = AsyncStream<String> { continuation in
            let reader = Thread {
                while let line = readLine(strippingNewline: true) {
                    continuation.yield(line)
                }
                continuation.finish()
            }
            reader.start()
        }
        let output = Mutex(())
        let adapter = ReferenceAdapter(
            engineName: "StreamReplay ChatEngine \(StreamReplayCommand.configuration.version)",
            logger: Logger(label: "stream-replay.adapter")
        ) { line in
            // One write per line, never two lines interleaved (turns run at once).
            output.withLock { _ in Output.write(raw: line) }
        }
        let status = await adapter.serve(lines)
        if status != 0 { throw ExitCode(status) }
    }
}
