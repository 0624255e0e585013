import Dispatch
import Foundation

/// Waits for a termination signal.
enum Signals {
    /// Returns the first of `signals` that arrives; they no longer kill the process meanwhile.
    static func next(_ signals: [Int32]) async -> Int32 {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
        }
        for await number in stream {
            return number
        }
        return SIGINT
    }
}

extension Signals {
    /// Exits with 130 on Ctrl-C (and 143 on SIGTERM) while a long command runs.
    static func exitOnInterrupt() {
        signal(SIGINT) { _ in _exit(130) }
        signal(SIGTERM) { _ in _exit(143) }
    }
}
