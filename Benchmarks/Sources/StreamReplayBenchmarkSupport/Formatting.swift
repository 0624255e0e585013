import Foundation

/// `value` with `digits` decimals and thousands separators (`125,943`, `3.83`); `n/a` when not finite.
public func format(_ value: Double, _ digits: Int = 0) -> String {
    guard value.isFinite else { return "n/a" }
    let text = String(format: "%.\(digits)f", value)
    let parts = text.split(separator: ".", maxSplits: 1)
    let whole = parts[0]
    let negative = whole.hasPrefix("-")
    let digitsOnly = negative ? whole.dropFirst() : whole[...]
    var grouped = ""
    for (position, character) in digitsOnly.enumerated() {
        if position > 0, (digitsOnly.count - position) % 3 == 0 { grouped.append(",") }
        grouped.append(character)
    }
    return (negative ? "-" : "") + grouped + (parts.count > 1 ? "." + parts[1] : "")
}

/// An integer with thousands separators.
public func format(_ value: Int) -> String { format(Double(value)) }

/// A byte count as `KB` below 1 MiB, else `MB` with two decimals unless whole.
public func megabytes(_ bytes: Int) -> String {
    bytes >= 1 << 20
        ? "\(format(Double(bytes) / Double(1 << 20), bytes % (1 << 20) == 0 ? 0 : 2)) MB"
        : "\(format(Double(bytes) / 1024, 0)) KB"
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) * 1e-18
    }
}

/// The median of `values` (NaN when empty).
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// A benchmark's own failure, with a message that says what went wrong.
public struct BenchError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// An error that says `description`.
    public init(_ description: String) { self.description = description }
}

/// Progress notes go to standard error, results to standard output.
public func note(_ text: String) {
    FileHandle.standardError.write(Data("· \(text)\n".utf8))
}
