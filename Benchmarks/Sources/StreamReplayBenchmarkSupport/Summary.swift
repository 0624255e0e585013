import Foundation

/// The derived figures a benchmark prints beside package-benchmark's tables: one line each,
/// starting with `»`, so that `Benchmarks/run.sh` can gather them into one summary at the end.
///
/// package-benchmark records whole numbers per iteration and scales them by powers of 1,000, so
/// figures such as 25.31 allocations per chunk, a best-of-5 rate or a ratio between two runs are
/// computed here from the same measurements and printed when a benchmark's iterations are done.
public enum Summary {
    static let widths = (measure: 66, result: 46, target: 26)

    /// Prints `» measure  result  target  verdict`; `pass` is `nil` for information.
    public static func line(_ measure: String, _ result: String, target: String = "", pass: Bool? = nil) {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        let verdict = pass.map { $0 ? "PASS" : "MISS" } ?? ""
        let text =
            "» " + pad(measure, Self.widths.measure) + pad(result, Self.widths.result)
            + pad(target, Self.widths.target) + verdict
        print(text.trimmingCharacters(in: .whitespaces))
        fflush(nil)
    }
}
