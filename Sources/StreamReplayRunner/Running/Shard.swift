/// `--shard I/N`: one of N disjoint parts of a selection, so that a large suite runs as N CI
/// jobs (the CI's own matrix does the distributing). The k-th selected scenario in sorted path
/// order (k from 0) goes to shard (k mod N) + 1: the parts are disjoint, together the whole
/// selection, within one scenario of each other in size, and a folder's scenarios spread over
/// all of them.
package struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// This part, from 1.
    package var index: Int
    /// How many parts.
    package var count: Int

    package init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `2/4` → part 2 of 4, or what is wrong with the text.
    package static func parse(_ text: String) -> Result<Shard, ShardError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let index = Int(parts[0].trimmingPrefix(while: { $0 == " " })),
            let count = Int(parts[1])
        else {
            return .failure(
                ShardError(
                    "expected I/N (this job's part and the number of parts, such as 2/4), got '\(text)'"
                )
            )
        }
        guard count >= 1 else { return .failure(ShardError("\(text): the number of parts N must be at least 1")) }
        guard index >= 1 else {
            return .failure(ShardError("\(text): parts count from 1 (1/\(count) … \(count)/\(count))"))
        }
        guard index <= count else {
            return .failure(ShardError("\(text): there are only \(count) parts (1/\(count) … \(count)/\(count))"))
        }
        return .success(Shard(index: index, count: count))
    }

    /// `2/4`.
    package var description: String { "\(self.index)/\(self.count)" }

    /// The part of `paths` this shard runs, in the order given: those whose position in sorted
    /// order k has k mod N = index − 1.
    package func positions(of paths: [String]) -> [Int] {
        let sorted = paths.indices.sorted { paths[$0] == paths[$1] ? $0 < $1 : paths[$0] < paths[$1] }
        var mine: [Int] = []
        for (rank, position) in sorted.enumerated() where rank % self.count == self.index - 1 {
            mine.append(position)
        }
        return mine.sorted()
    }
}

/// What is wrong with a `--shard` value, in a sentence.
package struct ShardError: Error, Sendable, CustomStringConvertible {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}
