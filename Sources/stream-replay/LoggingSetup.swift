import Logging
import Synchronization

/// The CLI's one logging bootstrap.
enum LogSetup {
    private static let bootstrapped = Mutex(false)

    /// Bootstraps stderr logging once per process: warnings, or debug with `--verbose`.
    static func bootstrapOnce(verbose: Bool) {
        let first = self.bootstrapped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
    }
}
