import Yams

/// Bounds what YAML aliases may expand to, before anything walks the composed tree.
///
/// `Yams.compose` resolves each alias to the node its anchor names, so a small file of nested
/// aliases (`b: &b [*a, *a, …]`, `c: &c [*b, *b, …]`, …) composes quickly into a tree whose
/// expansion is exponential: nine levels of nine aliases are 387 million nodes for the loader to
/// walk. Like go-yaml since CVE-2019-11254, the expansion may be a generous multiple of the
/// file's own nodes, with a floor for small files; past that, the file is refused at the alias
/// that set it off.
struct AliasBudget {
    /// The expanded node count always allowed, however small the file.
    static let floor = 100_000
    /// How many times its own node count a file may expand to.
    static let multiple = 100

    /// Where the budget ran out.
    struct Overrun: Equatable {
        /// The 1-based position of the alias in the document that expands too far.
        var line: Int
        var column: Int
        /// The nodes the file itself holds, each alias counted once.
        var composedNodes: Int
        /// The expanded node count allowed for this file.
        var budget: Int
    }

    private let lines: [Substring]

    init(source: String) {
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The nodes the document holds as written: an alias counts once, its target is not entered.
    ///
    /// An alias is recognised by its mark: a resolved alias carries the mark of its anchored node,
    /// which stands earlier in the file than anything walked before it in document order.
    static func composedCount(of root: Node) -> Int {
        var walk = Walk()
        walk.composed(root)
        return walk.count
    }

    /// The number of nodes a full walk of `root` visits, aliases expanded, counting no further
    /// than `limit + 1`.
    static func expandedCount(of root: Node, limit: Int) -> Int {
        var walk = Walk()
        walk.limit = limit
        walk.expanded(root)
        return walk.count
    }

    /// `nil` when expanding every alias of `root` stays within the file's budget; else where it
    /// does not.
    func overrun(in root: Node) -> Overrun? {
        let composed = Self.composedCount(of: root)
        let budget = max(Self.floor, Self.multiple * composed)
        var walk = Walk()
        walk.limit = budget
        walk.expanded(root)
        guard walk.count > budget else { return nil }
        let position = walk.outermostAlias.map { self.aliasPosition(after: $0) } ?? (line: 1, column: 1)
        return Overrun(line: position.line, column: position.column, composedNodes: composed, budget: budget)
    }

    /// The first `*` that starts an alias at or after `mark`, skipping quoted text and comments;
    /// `mark` itself when none is found.
    private func aliasPosition(after mark: Mark) -> (line: Int, column: Int) {
        var line = mark.line
        var column = mark.column
        var quote: Unicode.Scalar?
        while line >= 1, line <= self.lines.count {
            let scalars = Array(self.lines[line - 1].unicodeScalars)
            var index = column - 1
            while index < scalars.count {
                let scalar = scalars[index]
                if let open = quote {
                    if open == "\"", scalar == "\\" {
                        index += 2
                        continue
                    }
                    if scalar == open { quote = nil }
                } else if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == "#", index == 0 || scalars[index - 1] == " " || scalars[index - 1] == "\t" {
                    break
                } else if scalar == "*", index == 0 || " \t[{,:-?".unicodeScalars.contains(scalars[index - 1]) {
                    return (line, index + 1)
                }
                index += 1
            }
            line += 1
            column = 1
        }
        return (mark.line, mark.column)
    }

    /// One pass over a tree, in document order.
    private struct Walk {
        var count = 0
        var limit = Int.max
        /// The mark of the node visited last outside any alias's expansion.
        private var last: Mark?
        /// The mark of the node visited just before the outermost alias being expanded.
        private(set) var outermostAlias: Mark?
        private var aliasDepth = 0

        private func isAlias(_ node: Node) -> Bool {
            guard let mark = node.mark, let last else { return false }
            return (mark.line, mark.column) < (last.line, last.column)
        }

        mutating func composed(_ node: Node) {
            self.count += 1
            if self.isAlias(node) { return }
            self.last = node.mark ?? self.last
            self.children(of: node) { $0.composed($1) }
        }

        mutating func expanded(_ node: Node) {
            guard self.count <= self.limit else { return }
            self.count += 1
            let entersAlias = self.aliasDepth == 0 && self.isAlias(node)
            if entersAlias {
                self.outermostAlias = self.last
                self.aliasDepth += 1
            } else if self.aliasDepth == 0 {
                self.last = node.mark ?? self.last
            }
            self.children(of: node) { $0.expanded($1) }
            if entersAlias, self.count <= self.limit {
                self.aliasDepth -= 1
            }
        }

        private mutating func children(of node: Node, _ visit: (inout Walk, Node) -> Void) {
            switch node {
            case .scalar, .alias:
                return
            case .sequence(let sequence):
                for item in sequence {
                    guard self.count <= self.limit else { return }
                    visit(&self, item)
                }
            case .mapping(let mapping):
                for (key, value) in mapping {
                    guard self.count <= self.limit else { return }
                    visit(&self, key)
                    visit(&self, value)
                }
            }
        }
    }
}
