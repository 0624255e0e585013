package import OrderedCollections

/// Assembles one hop's tool calls from streamed fragments, by the contract's rules.
///
/// Slots are keyed, never allocated by position: a fragment's `index` is only a dictionary key
/// (an index of 1,000,000 or −3 opens one slot), and slots are kept in order of first appearance.
/// Make one accumulator per hop, ``add(_:)`` every fragment of the followed choice, then read
/// ``toolCalls(requestID:hop:)`` when the stream is complete, whatever its `finish_reason`.
///
/// ```swift
/// var accumulator = ToolCallAccumulator()
/// for fragment in choice.toolCallFragments { accumulator.add(fragment) }
/// let calls = accumulator.toolCalls(requestID: rid, hop: hop)   // nameless slots dropped
/// for call in calls where call.arguments.isValid { /* run call.name with call.arguments */ }
/// ```
///
/// Routing a fragment (first matching rule):
/// - with an `index`: a non-empty id already held by a slot of that index selects that slot; a
///   non-empty id that differs from the newest slot's non-empty id opens a new slot for the index;
///   a newest slot without an id takes the fragment and its id; anything else goes to the newest
///   slot of the index, opened if there is none;
/// - without an `index`: the (most recently opened) slot holding its non-empty id; else a new slot
///   if it carries a non-empty id no slot holds, or a non-empty name while the last slot has a
///   different non-empty name; else the last slot, opened if there is none.
///
/// Merging into the slot: the first non-empty `id` wins; a `name` fragment is appended unless it
/// is `""` or equal to the name so far; `arguments` fragments are appended; the first non-empty
/// `type` is kept; each unknown key is kept from the first fragment that has it.
package struct ToolCallAccumulator: Sendable, Hashable {
    /// One call being assembled.
    private struct Slot: Sendable, Hashable {
        var index: Int64?
        var id: String?
        var type: String?
        var name = ""
        var arguments = ""
        var extra: OrderedDictionary<String, JSONValue> = [:]
        var functionExtra: OrderedDictionary<String, JSONValue> = [:]
    }

    /// A slot key for "the slot of this index that holds this id".
    private struct IndexedID: Sendable, Hashable {
        var index: Int64
        var id: String
    }

    /// Every slot, in order of first appearance.
    private var slots: [Slot] = []
    /// For each index seen, the position in `slots` of its newest slot.
    private var newestSlotOfIndex: [Int64: Int] = [:]
    /// For each (index, id) held by a slot with that index, the slot's position in `slots`.
    private var slotOfIndexedID: [IndexedID: Int] = [:]
    /// For each id held by any slot, the position of the most recently opened slot holding it.
    private var slotOfID: [String: Int] = [:]

    /// Creates an empty accumulator for one hop.
    package init() {}

    /// How many slots the fragments so far have opened, nameless ones included.
    package var slotCount: Int { slots.count }

    /// Routes one fragment to its slot and merges it in.
    ///
    /// - Parameter fragment: One `delta.tool_calls` item of the followed choice.
    package mutating func add(_ fragment: StreamChunk.ToolCallFragment) {
        let id = fragment.id.flatMap { $0.isEmpty ? nil : $0 }
        let name = fragment.name.flatMap { $0.isEmpty ? nil : $0 }
        let position: Int
        if let index = fragment.index {
            position = routeIndexed(index: index, id: id)
        } else {
            position = routeUnindexed(id: id, name: name)
        }
        merge(fragment, id: id, name: name, into: position)
    }

    private mutating func routeIndexed(index: Int64, id: String?) -> Int {
        guard let newest = newestSlotOfIndex[index] else {
            return openSlot(index: index)
        }
        guard let id else { return newest }
        if let holder = slotOfIndexedID[IndexedID(index: index, id: id)] {
            return holder
        }
        if slots[newest].id != nil {
            return openSlot(index: index)
        }
        return newest
    }

    private mutating func routeUnindexed(id: String?, name: String?) -> Int {
        if let id {
            if let holder = slotOfID[id] { return holder }
            return openSlot(index: nil)
        }
        guard let last = slots.indices.last else {
            return openSlot(index: nil)
        }
        if let name, !slots[last].name.isEmpty, slots[last].name != name {
            return openSlot(index: nil)
        }
        return last
    }

    private mutating func openSlot(index: Int64?) -> Int {
        slots.append(Slot(index: index))
        let position = slots.count - 1
        if let index { newestSlotOfIndex[index] = position }
        return position
    }

    private mutating func merge(
        _ fragment: StreamChunk.ToolCallFragment,
        id: String?,
        name: String?,
        into position: Int
    ) {
        if let id, slots[position].id == nil {
            slots[position].id = id
            slotOfID[id] = position
            if let index = slots[position].index {
                slotOfIndexedID[IndexedID(index: index, id: id)] = position
            }
        }
        if let type = fragment.type, !type.isEmpty, slots[position].type == nil {
            slots[position].type = type
        }
        if let name, name != slots[position].name {
            slots[position].name += name
        }
        if let arguments = fragment.arguments {
            slots[position].arguments += arguments
        }
        for (key, value) in fragment.extra where slots[position].extra[key] == nil {
            slots[position].extra[key] = value
        }
        for (key, value) in fragment.functionExtra where slots[position].functionExtra[key] == nil {
            slots[position].functionExtra[key] = value
        }
    }

    /// The hop's tool calls: every slot with a name, in order of first appearance.
    ///
    /// Each call's ``ToolCall/position`` counts the remaining slots from 0. A slot without an id
    /// gets `call_{requestID}_{hop}_{position}`; a slot whose id an earlier call of the hop already
    /// has gets `{id}_{position}` (the first holder keeps its id; should that still collide with an
    /// earlier call's id, `_{position}` is appended again until it does not). Arguments are
    /// checked here: `""` is `{}`, anything that is not a JSON object is
    /// ``ToolCall/Arguments/invalid(detail:)``.
    ///
    /// - Parameters:
    ///   - requestID: The turn's request id.
    ///   - hop: The hop number, from 0.
    /// - Returns: The calls to announce (`tool_count` is their count) and answer, in order.
    package func toolCalls(requestID: String, hop: Int) -> [ToolCall] {
        var calls: [ToolCall] = []
        var usedIDs: Set<String> = []
        for slot in slots where !slot.name.isEmpty {
            let position = calls.count
            var id = slot.id ?? "call_\(requestID)_\(hop)_\(position)"
            while usedIDs.contains(id) { id += "_\(position)" }
            usedIDs.insert(id)
            calls.append(
                ToolCall(
                    position: position,
                    id: id,
                    type: slot.type,
                    name: slot.name,
                    rawArguments: slot.arguments,
                    extra: slot.extra,
                    functionExtra: slot.functionExtra
                )
            )
        }
        return calls
    }
}

// MARK: - Tool call

extension ToolCallAccumulator {
    /// One assembled tool call of a hop.
    package struct ToolCall: Sendable, Hashable {
        /// The arguments, checked.
        package enum Arguments: Sendable, Hashable {
            /// A JSON object (`""` counts as `{}`): the call may run.
            case valid(OrderedDictionary<String, JSONValue>)
            /// Not a JSON object (invalid, truncated, an array, a string, too deep): the call is
            /// announced and answered with ``ToolCall/invalidArgumentsResult`` but never run.
            case invalid(detail: String)

            /// Whether the call may be handed to the tool executor.
            package var isValid: Bool {
                if case .valid = self { return true }
                return false
            }

            /// The valid arguments as a ``JSONValue/object(_:)``; `nil` when they are invalid.
            package var jsonObject: JSONValue? {
                guard case .valid(let members) = self else { return nil }
                return .object(members)
            }
        }

        /// The call's place among the hop's calls, from 0: the `{i}` of `tool:{rid}:{hop}:{i}`.
        package var position: Int
        /// The call's id: the provider's, or a synthesised or de-duplicated one.
        package var id: String
        /// The first non-empty `type` sent, if any (the follow-up always says `function`).
        package var type: String?
        /// The function name.
        package var name: String
        /// The arguments text exactly as accumulated (possibly `""` or invalid).
        package var rawArguments: String
        /// The arguments, checked.
        package var arguments: Arguments
        /// Unknown keys of the tool-call item (such as `extra_content`), sent back with the call.
        package var extra: OrderedDictionary<String, JSONValue>
        /// Unknown keys of the item's `function`, sent back with the call.
        package var functionExtra: OrderedDictionary<String, JSONValue>

        /// Creates a call and checks its arguments.
        package init(
            position: Int,
            id: String,
            type: String? = nil,
            name: String,
            rawArguments: String,
            extra: OrderedDictionary<String, JSONValue> = [:],
            functionExtra: OrderedDictionary<String, JSONValue> = [:]
        ) {
            self.position = position
            self.id = id
            self.type = type
            self.name = name
            self.rawArguments = rawArguments
            self.extra = extra
            self.functionExtra = functionExtra
            self.arguments = Self.check(rawArguments)
        }

        /// The arguments as sent back in the follow-up: `"{}"` for `""`, else as accumulated.
        package var followUpArguments: String {
            rawArguments.isEmpty ? "{}" : rawArguments
        }

        /// The tool result text for invalid arguments:
        /// `Tool execution failed: invalid JSON arguments ({detail})`; `nil` when they are valid.
        package var invalidArgumentsResult: String? {
            guard case .invalid(let detail) = arguments else { return nil }
            return "Tool execution failed: invalid JSON arguments (\(detail))"
        }

        /// The call as an element of the follow-up assistant message's `tool_calls`:
        /// `{id, type: "function", function: {name, arguments, …function extras}, …extras}`.
        package var followUpJSON: JSONValue {
            var function: OrderedDictionary<String, JSONValue> = [
                "name": .string(name),
                "arguments": .string(followUpArguments),
            ]
            for (key, value) in functionExtra where function[key] == nil {
                function[key] = value
            }
            var call: OrderedDictionary<String, JSONValue> = [
                "id": .string(id),
                "type": "function",
                "function": .object(function),
            ]
            for (key, value) in extra where call[key] == nil {
                call[key] = value
            }
            return .object(call)
        }

        private static func check(_ text: String) -> Arguments {
            if text.isEmpty { return .valid([:]) }
            let value: JSONValue
            do {
                value = try JSONValue(parsing: text)
            } catch {
                return .invalid(detail: error.description)
            }
            switch value {
            case .object(let members): return .valid(members)
            case .array: return .invalid(detail: "expected a JSON object, got an array")
            case .string: return .invalid(detail: "expected a JSON object, got a string")
            case .int, .double: return .invalid(detail: "expected a JSON object, got a number")
            case .bool: return .invalid(detail: "expected a JSON object, got a boolean")
            case .null: return .invalid(detail: "expected a JSON object, got null")
            }
        }
    }
}
