import Foundation
import StreamReplayBenchmarkSupport
import Synchronization

/// Command-line options: `[--quick] [--cli PATH] [--only SECTION,…]`.
struct Options: Sendable {
    /// Shrinks the load durations and counts for a smoke run.
    var quick = false
    /// The `stream-replay` CLI binary; the one built beside this executable when not given.
    var cli: String?
    /// Sections to run (serve, memory, plans); all when empty.
    var only: Set<String> = []
    /// Internal: run one memory probe in this process and print its numbers.
    var memoryProbe: (chunks: Int, chunkBytes: Int)?
    /// Internal: build one `write_size` plan in this process and print its numbers.
    var planProbe: Int?
    /// Internal: run one turn against the pre-rendered server at `BASE-URL` and print the peak.
    var preRenderedProbe: String?
    /// Internal: serve `BODY-FILE` as the minimal NIO ceiling server on `PORT`.
    var nioCeiling: (port: Int, bodyFile: String)?

    /// The size divisor: 1, or 10 with `--quick`.
    var scale: Int { self.quick ? 10 : 1 }

    func runs(_ section: String) -> Bool { self.only.isEmpty || self.only.contains(section) }

    static let usage = """
        usage: stream-replay-load [--quick] [--only serve,memory,plans] [--cli PATH]
          (Benchmarks/run.sh builds it and the CLI and runs it after the package-benchmark targets)
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--quick": options.quick = true
            case "--cli": options.cli = iterator.next()
            case "--only": options.only = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "--memory-probe":
                let chunks = Int(iterator.next() ?? "") ?? 0
                let bytes = Int(iterator.next() ?? "") ?? 0
                options.memoryProbe = (chunks, bytes)
            case "--nio-ceiling":
                let port = Int(iterator.next() ?? "") ?? 0
                options.nioCeiling = (port, iterator.next() ?? "")
            case "--prerendered-probe":
                options.preRenderedProbe = iterator.next()
            case "--plan-probe":
                options.planProbe = Int(iterator.next() ?? "") ?? 0
            case "-h", "--help":
                print(self.usage)
                exit(0)
            default:
                FileHandle.standardError.write(Data("unknown argument '\(argument)'\n\(self.usage)\n".utf8))
                exit(2)
            }
        }
        return options
    }
}

/// The results table, printed row by row as results come in.
final class Report: Sendable {
    struct Row: Sendable {
        var measure: String
        var value: String
        var target: String
        var verdict: String
    }

    private let rows = Mutex<[Row]>([])
    static let widths = (measure: 66, value: 46, target: 26)

    func header(_ title: String) {
        print("")
        print("## \(title)")
        fflush(nil)
    }

    /// Adds a row; `pass` is `nil` for an informational row.
    func add(_ measure: String, _ value: String, target: String = "", pass: Bool? = nil) {
        let verdict = pass.map { $0 ? "PASS" : "MISS" } ?? ""
        let row = Row(measure: measure, value: value, target: target, verdict: verdict)
        self.rows.withLock { $0.append(row) }
        print(Self.line(row))
        fflush(nil)
    }

    static func line(_ row: Row) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        // Rows start with `»` like the package-benchmark targets' summary lines, so that run.sh
        // gathers both into its summary.
        return
            ("» " + pad(row.measure, Self.widths.measure) + pad(row.value, Self.widths.value)
            + pad(row.target, Self.widths.target) + row.verdict).trimmingCharacters(in: .whitespaces)
    }

    var verdicts: (pass: Int, miss: Int) {
        self.rows.withLock { rows in
            (rows.filter { $0.verdict == "PASS" }.count, rows.filter { $0.verdict == "MISS" }.count)
        }
    }
}
