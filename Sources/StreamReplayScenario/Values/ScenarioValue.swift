/// A JSON-shaped value written in a scenario: the data of a `chunk` frame, a `usage` object,
/// an `error` object, a request body recorded by the fake.
///
/// Objects keep the order their keys were written in, so `chunk: {...}` goes on the wire exactly
/// as the scenario spells it. Integers and floating-point numbers stay distinct.
public indirect enum ScenarioValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([ScenarioValue])
    case object([Member])

    /// One key and its value in an object.
    public struct Member: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The key's value.
        public var value: ScenarioValue

        /// A member `key: value`.
        public init(_ key: String, _ value: ScenarioValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of `key` when this is an object that has it.
    public subscript(key: String) -> ScenarioValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The items, when this is an array.
    public var arrayValue: [ScenarioValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A short name of this value's kind, for messages: "a string", "a map", ….
    package var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a map"
        }
    }
}
