import Foundation
package import Yams

/// A scenario file as its YAML node tree, to be edited and written back: what `run --faults`
/// writes and what `shrink` cuts down. Working on the tree the file was made of (rather than on
/// the loaded model) keeps every key the user wrote, expectations included, exactly as written;
/// only comments and the layout are lost.
///
/// Not `Sendable` (Yams' nodes are not): edit it where it was made and pass its ``yaml`` on.
package struct ScenarioDocument {
    /// A node of the tree (Yams').
    package typealias Node = Yams.Node

    /// One step of a path into the tree.
    package enum Step: Hashable, Sendable, CustomStringConvertible {
        case key(String)
        case index(Int)

        package var description: String {
            switch self {
            case .key(let key): return key
            case .index(let index): return "[\(index)]"
            }
        }
    }

    package var root: Node

    /// The document of a scenario file's text.
    ///
    /// - Throws: ``ScenarioError`` when the text is not a YAML map.
    package init(yaml: String, file: String) throws(ScenarioError) {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: yaml)
        } catch {
            throw ScenarioError(code: .invalidScenario, message: "\(file): error: invalid YAML (\(error))")
        }
        guard let composed, case .mapping = composed else {
            throw ScenarioError(code: .invalidScenario, message: "\(file): error: a scenario file is a YAML map")
        }
        // An alias is composed into a copy of its anchor's node; drop the anchors so that the
        // copies are written out as plain values (a file with each anchor once would be smaller,
        // but an edited copy must not turn back into an alias of the original).
        self.root = Self.withoutAnchors(composed)
    }

    /// The document's YAML text (block style, long lines kept whole, Unicode as it is).
    package var yaml: String {
        (try? Yams.serialize(node: self.root, width: -1, allowUnicode: true)) ?? ""
    }

    // MARK: Reading

    /// The node at `path`, or `nil` when there is none.
    package func node(at path: [Step]) -> Node? {
        var node = self.root
        for step in path {
            switch (step, node) {
            case (.key(let key), .mapping(let mapping)):
                guard let index = Self.index(of: key, in: mapping) else { return nil }
                node = mapping[index].value
            case (.index(let index), .sequence(let sequence)):
                guard sequence.indices.contains(index) else { return nil }
                node = sequence[index]
            default:
                return nil
            }
        }
        return node
    }

    /// The number of items of the list at `path` (0 when it is not a list).
    package func count(at path: [Step]) -> Int {
        if case .sequence(let sequence)? = self.node(at: path) { return sequence.count }
        return 0
    }

    /// Whether the node at `path` is a map.
    package func isMap(at path: [Step]) -> Bool {
        if case .mapping? = self.node(at: path) { return true }
        return false
    }

    /// The string of the scalar at `path`, or `nil` when it is not a scalar.
    package func scalar(at path: [Step]) -> String? {
        self.node(at: path)?.scalar?.string
    }

    /// The keys of the map at `path`, in order.
    package func keys(at path: [Step]) -> [String] {
        guard case .mapping(let mapping)? = self.node(at: path) else { return [] }
        return mapping.keys.compactMap(\.scalar?.string)
    }

    // MARK: Editing

    /// Sets (or, with `nil`, removes) the value at `path`: a key of a map (added at the end when
    /// new) or an item of a list. Returns whether the parent was there.
    @discardableResult
    package mutating func set(_ value: Node?, at path: [Step]) -> Bool {
        guard let last = path.last else {
            if let value { self.root = value }
            return true
        }
        return self.update(Array(path.dropLast())) { parent in
            switch (last, parent) {
            case (.key(let key), .mapping(var mapping)):
                var pairs = mapping.map { ($0.key, $0.value) }
                switch (Self.index(of: key, in: mapping), value) {
                case (let index?, let value?): pairs[index].1 = value
                case (let index?, nil): pairs.remove(at: index)
                case (nil, let value?): pairs.append((Node(key), value))
                case (nil, nil): return false
                }
                mapping = Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark)
                parent = .mapping(mapping)
                return true
            case (.index(let index), .sequence(var sequence)):
                guard sequence.indices.contains(index) else { return false }
                if let value {
                    sequence[index] = value
                } else {
                    sequence.remove(at: index)
                }
                parent = .sequence(sequence)
                return true
            default:
                return false
            }
        }
    }

    /// Inserts `value` into the list at `path` before item `index` (at the end when `index` is
    /// its count). Returns whether there was such a list.
    @discardableResult
    package mutating func insert(_ value: Node, at index: Int, inListAt path: [Step]) -> Bool {
        self.update(path) { node in
            guard case .sequence(var sequence) = node, index >= 0, index <= sequence.count else { return false }
            sequence.insert(value, at: index)
            node = .sequence(sequence)
            return true
        }
    }

    /// Keeps the first `count` items of the list at `path`.
    package mutating func truncate(listAt path: [Step], to count: Int) {
        self.update(path) { node in
            guard case .sequence(var sequence) = node, count < sequence.count else { return false }
            sequence.removeSubrange(count..<sequence.count)
            node = .sequence(sequence)
            return true
        }
    }

    @discardableResult
    private mutating func update(_ path: [Step], _ change: (inout Node) -> Bool) -> Bool {
        Self.update(&self.root, path[...], change)
    }

    private static func update(
        _ node: inout Node,
        _ path: ArraySlice<[Step].Element>,
        _ change: (inout Node) -> Bool
    )
        -> Bool
    {
        guard let step = path.first else { return change(&node) }
        switch (step, node) {
        case (.key(let key), .mapping(var mapping)):
            guard let index = Self.index(of: key, in: mapping) else { return false }
            var child = mapping[index].value
            let done = Self.update(&child, path.dropFirst(), change)
            if done {
                mapping[index] = (key: mapping[index].key, value: child)
                node = .mapping(mapping)
            }
            return done
        case (.index(let index), .sequence(var sequence)):
            guard sequence.indices.contains(index) else { return false }
            var child = sequence[index]
            let done = Self.update(&child, path.dropFirst(), change)
            if done {
                sequence[index] = child
                node = .sequence(sequence)
            }
            return done
        default:
            return false
        }
    }

    // MARK: Building nodes

    /// A string written double-quoted, so that any text (a colon, a `#`, a line break) is kept.
    package static func string(_ text: String) -> Node {
        Node(text, Tag(.str), .doubleQuoted)
    }

    /// A plain scalar: a number, `true`, a bare word.
    package static func plain(_ text: String) -> Node {
        Node(text, Tag(.implicit), .plain)
    }

    /// A map of these pairs, in order, written in block style.
    package static func map(_ pairs: [(String, Node)]) -> Node {
        .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) }))
    }

    /// A list of these nodes.
    package static func list(_ items: [Node]) -> Node {
        .sequence(Node.Sequence(items))
    }

    /// A list written in flow style (`[a, b]`).
    package static func flowList(_ items: [Node]) -> Node {
        .sequence(Node.Sequence(items, Tag(.implicit), .flow))
    }

    /// The position of `key` in `mapping` (the last one, as the loader reads duplicates).
    private static func index(of key: String, in mapping: Node.Mapping) -> Int? {
        Array(mapping).lastIndex { $0.key.scalar?.string == key }
    }

    private static func withoutAnchors(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            scalar.anchor = nil
            return .scalar(scalar)
        case .sequence(let sequence):
            var copy = Node.Sequence(sequence.map(Self.withoutAnchors), sequence.tag, sequence.style, sequence.mark)
            copy.anchor = nil
            return .sequence(copy)
        case .mapping(let mapping):
            var copy = Node.Mapping(
                mapping.map { (Self.withoutAnchors($0.key), Self.withoutAnchors($0.value)) },
                mapping.tag,
                mapping.style,
                mapping.mark
            )
            copy.anchor = nil
            return .mapping(copy)
        case .alias:
            return node
        }
    }
}
