import Foundation

extension ScenarioValue {
    /// Compact JSON, keys in their written order; `/` is not escaped.
    ///
    /// Non-finite numbers, which JSON cannot hold, are written as `null`.
    public var jsonString: String {
        var output = ""
        self.writeJSON(into: &output)
        return output
    }

    /// Appends compact JSON to `output`.
    package func writeJSON(into output: inout String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .int(let value):
            output += String(value)
        case .double(let value):
            if !value.isFinite {
                output += "null"
            } else if value == value.rounded(), abs(value) < 1e15 {
                output += String(Int(value)) + ".0"
            } else {
                output += "\(value)"
            }
        case .string(let value):
            Self.writeJSONString(value, into: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.writeJSON(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeJSONString(member.key, into: &output)
                output += ":"
                member.value.writeJSON(into: &output)
            }
            output += "}"
        }
    }

    /// Writes `string` as a JSON string literal.
    package static func writeJSONString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    /// Parses JSON text.
    ///
    /// Key order of objects is not kept (Foundation's decoder does not report it); use this for
    /// values that are matched or inspected, not re-sent byte for byte.
    ///
    /// - Throws: the decoder's error when `data` is not JSON.
    package static func parseJSON(_ bytes: [UInt8]) throws -> ScenarioValue {
        try JSONDecoder().decode(ScenarioValue.self, from: Data(bytes))
    }
}

extension ScenarioValue: Decodable {
    /// Decodes any value a decoder holds (JSON from `JSONDecoder`, say); an object's keys come
    /// out sorted, since a keyed container keeps no order.
    public init(from decoder: any Decoder) throws {
        if var items = try? decoder.unkeyedContainer() {
            var values: [ScenarioValue] = []
            while !items.isAtEnd {
                values.append(try items.decode(ScenarioValue.self))
            }
            self = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [Member] = []
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                members.append(Member(key.stringValue, try object.decode(ScenarioValue.self, forKey: key)))
            }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int.self) {
            self = .int(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
