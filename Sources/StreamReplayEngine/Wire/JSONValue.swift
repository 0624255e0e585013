package import OrderedCollections

/// A JSON value as it arrived on the wire: integers kept apart from doubles, object keys kept in order.
///
/// The engine reads every SSE data payload, every tool call's `arguments` and every request it
/// sends through this type. Two properties matter for the contract and neither survives
/// Foundation's `JSONSerialization` (whose `NSDictionary` loses key order and whose `NSNumber`
/// blurs `1` and `1.0`, `true` and `1`) nor `JSONDecoder` (whose keyed containers do not promise
/// the order of `allKeys`):
///
/// - usage counts must be exact integers, and "a non-integer count adds 0" needs the distinction
///   between `15` and `15.0`;
/// - unknown tool-call keys and re-serialised object `arguments` are sent back to the provider, and
///   they should come back in the order the provider wrote them.
///
/// The contract also requires a documented depth rule (more than 512 nested arrays and objects is
/// an `invalid_chunk`, never a crash), which Foundation's parsers do not promise on every platform.
/// So `init(parsing:)` is a small hand-written parser. It is iterative: nesting lives in
/// an explicit stack, never on the call stack, so a payload of a million `[` fails cleanly with
/// ``JSONParseError/Code/nestingTooDeep``.
///
/// The parser follows RFC 8259 strictly (no `NaN`, no comments, no trailing commas, no raw
/// control characters inside strings), with two lenient points: a lone UTF-16 surrogate in a
/// `\u` escape and invalid UTF-8 inside a string both become U+FFFD instead of failing.
/// A duplicate key keeps its first position and takes the last value. Equality compares object
/// keys in order (`{"a":1,"b":2}` is not equal to `{"b":2,"a":1}`), as the order is kept for a reason.
///
/// ```swift
/// let value = try JSONValue(parsing: #"{"b":1,"a":2.5}"#)
/// value["b"]?.int64Value    // 1
/// value["a"]?.int64Value    // nil: 2.5 is a double
/// value.compactJSON         // {"b":1,"a":2.5}
/// ```
package enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without a fraction or an exponent that fits in 64 bits.
    case int(Int64)
    /// Any other number: with a fraction or an exponent, or an integer too large for ``int(_:)``.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, keys in the order they were first written.
    case object(OrderedDictionary<String, JSONValue>)

    /// The deepest nesting of arrays and objects the parser accepts.
    ///
    /// `[[1]]` has depth 2. A document with 512 nested containers parses; one with 513 fails with
    /// ``JSONParseError/Code/nestingTooDeep``.
    package static let maximumDepth = 512

    /// Parses one JSON document from UTF-8 text.
    ///
    /// Whitespace around the document is allowed; anything else after it is an error.
    ///
    /// - Parameter text: The whole document, such as one SSE data payload.
    /// - Throws: ``JSONParseError`` when the text is not one JSON document or nests more than
    ///   ``maximumDepth`` arrays and objects.
    package init(parsing text: String) throws(JSONParseError) {
        var text = text
        let result = text.withUTF8 { bytes in
            var parser = JSONParser(bytes: bytes)
            return parser.parseDocument()
        }
        self = try result.get()
    }

    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// - Parameter bytes: The whole document. Contiguous collections (`[UInt8]`, `ArraySlice`,
    ///   a NIO buffer's readable bytes view) are read in place; others are copied first.
    /// - Throws: ``JSONParseError`` when the bytes are not one JSON document or nest more than
    ///   ``maximumDepth`` arrays and objects.
    package init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) throws(JSONParseError) {
        let parse: (UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> = { buffer in
            var parser = JSONParser(bytes: buffer)
            return parser.parseDocument()
        }
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        self = try result.get()
    }
}

// MARK: - Reading values

extension JSONValue {
    /// The member `key` of an object; `nil` for a missing key and for every value that is not an object.
    ///
    /// A member whose value is `null` is returned as ``null``, not `nil`.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// Whether this is ``null``.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string of a ``string(_:)``; `nil` for every other value.
    package var stringValue: String? {
        guard case .string(let string) = self else { return nil }
        return string
    }

    /// The integer of an ``int(_:)``; `nil` for every other value, `15.0` included.
    package var int64Value: Int64? {
        guard case .int(let integer) = self else { return nil }
        return integer
    }

    /// The elements of an ``array(_:)``; `nil` for every other value.
    package var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The members of an ``object(_:)``; `nil` for every other value.
    package var objectValue: OrderedDictionary<String, JSONValue>? {
        guard case .object(let members) = self else { return nil }
        return members
    }
}

// MARK: - Compact serialisation

extension JSONValue {
    /// The value as compact JSON: no whitespace, object keys in their stored order.
    ///
    /// Strings escape `"`, `\` and the control characters below U+0020 (`\n`, `\r`, `\t`, `\b`,
    /// `\f` by name, the rest as `\u00XX`); every other character, `/` and non-ASCII included, is
    /// written as itself in UTF-8. Integers are written exactly. Doubles use Swift's shortest
    /// round-trip form (`2.5`, `1e-07`, `5.0`); an infinity is written `1e999` / `-1e999` (which
    /// parses back to the same infinity) and a NaN, which the parser never produces, as `null`.
    ///
    /// Serialisation is iterative, so values nested deeper than ``maximumDepth`` built in code are
    /// written without recursion.
    package var compactJSON: String {
        var writer = JSONWriter()
        writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral {
    /// Creates ``null``.
    package init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// Creates ``bool(_:)``.
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// Creates ``int(_:)``.
    package init(integerLiteral value: Int64) { self = .int(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// Creates ``double(_:)``.
    package init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// Creates ``string(_:)``.
    package init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// Creates ``array(_:)``.
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Creates ``object(_:)`` with the keys in the order written; a repeated key keeps its first
    /// position and its last value, as in a parsed document.
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members = OrderedDictionary<String, JSONValue>()
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

// MARK: - Errors

/// Why a text is not a JSON document the engine accepts.
///
/// The engine turns every such failure of a data payload into `invalid_chunk`, and of a tool
/// call's arguments into `Tool execution failed: invalid JSON arguments ({description})`.
package struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure; compare with the static members.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case unexpectedEnd
            case unexpectedCharacter
            case invalidNumber
            case invalidString
            case nestingTooDeep
        }

        private let base: Base

        /// The input ended inside a value (or was empty).
        package static let unexpectedEnd = Code(base: .unexpectedEnd)
        /// A byte that cannot start or continue a value here, data after the document included.
        package static let unexpectedCharacter = Code(base: .unexpectedCharacter)
        /// A number that breaks the JSON number grammar (`01`, `1.`, `-`, `.5`).
        package static let invalidNumber = Code(base: .invalidNumber)
        /// A string with a raw control character or an unknown escape.
        package static let invalidString = Code(base: .invalidString)
        /// More than ``JSONValue/maximumDepth`` nested arrays and objects.
        package static let nestingTooDeep = Code(base: .nestingTooDeep)

        /// A short name of the code, such as `nestingTooDeep`.
        package var description: String {
            switch base {
            case .unexpectedEnd: "unexpectedEnd"
            case .unexpectedCharacter: "unexpectedCharacter"
            case .invalidNumber: "invalidNumber"
            case .invalidString: "invalidString"
            case .nestingTooDeep: "nestingTooDeep"
            }
        }
    }

    /// What kind of failure.
    package let code: Code
    /// The offset, in UTF-8 bytes from the start of the document, where the failure was noticed.
    package let offset: Int
    /// A short human phrase, such as `unexpected end of input at byte 12`.
    package let description: String

    init(_ code: Code, at offset: Int, _ what: String) {
        self.code = code
        self.offset = offset
        self.description = "\(what) at byte \(offset)"
    }
}

// MARK: - Parser

/// The iterative parser behind ``JSONValue/init(parsing:)-(String)``.
///
/// Open containers live in explicit stacks (`containers` says which kind; `arrays` and `objects`
/// hold their contents), so elements are appended in place and depth costs heap, not call stack.
private struct JSONParser {
    private enum Container {
        case array
        case object
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var containers: [Container] = []
    private var arrays: [[JSONValue]] = []
    private var objects: [(members: OrderedDictionary<String, JSONValue>, key: String)] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() -> Result<JSONValue, JSONParseError> {
        do throws(JSONParseError) {
            return .success(try parseValueTree())
        } catch {
            return .failure(error)
        }
    }

    private mutating func parseValueTree() throws(JSONParseError) -> JSONValue {
        nextValue: while true {
            skipWhitespace()
            var value: JSONValue
            switch try peek() {
            case UInt8(ascii: "["):
                try openContainer()
                position += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "]") {
                    position += 1
                    value = .array([])
                } else {
                    containers.append(.array)
                    arrays.append([])
                    continue nextValue
                }
            case UInt8(ascii: "{"):
                try openContainer()
                position += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "}") {
                    position += 1
                    value = .object([:])
                } else {
                    let key = try parseKey()
                    containers.append(.object)
                    objects.append((members: [:], key: key))
                    continue nextValue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = try parseNumber()
            default:
                throw unexpectedCharacter("a value")
            }

            // A value is complete: hand it to the innermost open container, closing containers
            // for as long as their closing bracket follows.
            while let container = containers.last {
                skipWhitespace()
                switch container {
                case .array:
                    arrays[arrays.count - 1].append(value)
                    switch try peek() {
                    case UInt8(ascii: ","):
                        position += 1
                        continue nextValue
                    case UInt8(ascii: "]"):
                        position += 1
                        containers.removeLast()
                        value = .array(arrays.removeLast())
                    default:
                        throw unexpectedCharacter("',' or ']'")
                    }
                case .object:
                    let key = objects[objects.count - 1].key
                    objects[objects.count - 1].members[key] = value
                    switch try peek() {
                    case UInt8(ascii: ","):
                        position += 1
                        skipWhitespace()
                        objects[objects.count - 1].key = try parseKey()
                        continue nextValue
                    case UInt8(ascii: "}"):
                        position += 1
                        containers.removeLast()
                        value = .object(objects.removeLast().members)
                    default:
                        throw unexpectedCharacter("',' or '}'")
                    }
                }
            }
            skipWhitespace()
            guard position == bytes.count else {
                throw unexpectedCharacter("the end of the document")
            }
            return value
        }
    }

    private func openContainer() throws(JSONParseError) {
        guard containers.count < JSONValue.maximumDepth else {
            throw JSONParseError(
                .nestingTooDeep,
                at: position,
                "more than \(JSONValue.maximumDepth) nested arrays and objects"
            )
        }
    }

    /// Parses `"key"` and the `:` after it, leaving the position before the member's value.
    private mutating func parseKey() throws(JSONParseError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw unexpectedCharacter("an object key") }
        let key = try parseString()
        skipWhitespace()
        guard try peek() == UInt8(ascii: ":") else { throw unexpectedCharacter("':'") }
        position += 1
        return key
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            default:
                return
            }
        }
    }

    private func peek() throws(JSONParseError) -> UInt8 {
        guard position < bytes.count else {
            throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input")
        }
        return bytes[position]
    }

    private func unexpectedCharacter(_ expected: String) -> JSONParseError {
        guard position < bytes.count else {
            return JSONParseError(.unexpectedEnd, at: position, "unexpected end of input, expected \(expected)")
        }
        let byte = bytes[position]
        let shown =
            (0x21...0x7E).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        return JSONParseError(.unexpectedCharacter, at: position, "unexpected \(shown), expected \(expected)")
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        for expected in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard position < bytes.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input in '\(literal)'")
            }
            guard bytes[position] == expected else {
                throw JSONParseError(.unexpectedCharacter, at: start, "invalid literal, expected '\(literal)'")
            }
            position += 1
        }
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw JSONParseError(.invalidNumber, at: start, "invalid number: a digit must follow '-'")
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw JSONParseError(.invalidNumber, at: start, "invalid number: leading zero")
            }
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw JSONParseError(.invalidNumber, at: start, "invalid number: a digit must follow '.'")
            }
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw JSONParseError(.invalidNumber, at: start, "invalid number: a digit must follow the exponent")
            }
            skipDigits()
        }
        // Up to 18 digits fit in Int64 whatever they are: no text to make.
        if isInteger, position - start <= 18 {
            let negative = bytes[start] == UInt8(ascii: "-")
            var value: Int64 = 0
            for index in (negative ? start + 1 : start)..<position {
                value = value * 10 + Int64(bytes[index] &- UInt8(ascii: "0"))
            }
            return .int(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let integer = Int64(text) {
            return .int(integer)
        }
        // The grammar was checked above, so the standard library's conversion cannot fail on
        // syntax; it rounds to the nearest double and gives an infinity past the double range.
        guard let double = Double(text) else {
            throw JSONParseError(.invalidNumber, at: start, "invalid number")
        }
        return .double(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote and leaves the position after the closing one.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escape in the string, decode the bytes in place.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let string = String(
                    decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<position]),
                    as: UTF8.self
                )
                position += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacterError() }
            position += 1
        }
        guard position < bytes.count else {
            throw JSONParseError(.unexpectedEnd, at: start, "unterminated string")
        }
        // Slow path: copy the part before the first escape, then decode escapes as they come.
        var decoded = Array(bytes[contentStart..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try decodeEscape(into: &decoded)
            case ..<0x20:
                throw controlCharacterError()
            default:
                decoded.append(byte)
                position += 1
            }
        }
        throw JSONParseError(.unexpectedEnd, at: start, "unterminated string")
    }

    private func controlCharacterError() -> JSONParseError {
        JSONParseError(
            .invalidString,
            at: position,
            "raw control character 0x\(String(bytes[position], radix: 16, uppercase: true)) in a string"
        )
    }

    /// Decodes the escape at the position (a backslash) and appends its UTF-8 bytes.
    private mutating func decodeEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        let start = position
        position += 1
        guard position < bytes.count else {
            throw JSONParseError(.unexpectedEnd, at: start, "unterminated escape")
        }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: start)
            var scalar = Unicode.Scalar(unit)
            if (0xD800...0xDBFF).contains(unit), position + 1 < bytes.count,
                bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            {
                // A high surrogate: combine it with the low surrogate that should follow.
                let save = position
                position += 2
                let low = try parseHex4(escapeStart: save)
                if (0xDC00...0xDFFF).contains(low) {
                    scalar = Unicode.Scalar((UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00) + 0x10000)
                } else {
                    position = save  // not a pair: the next escape is decoded on its own
                }
            }
            UTF8.encode(scalar ?? "\u{FFFD}") { decoded.append($0) }
        default:
            throw JSONParseError(.invalidString, at: start, "invalid escape")
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        guard position + 4 <= bytes.count else {
            throw JSONParseError(.unexpectedEnd, at: escapeStart, "unterminated \\u escape")
        }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(.invalidString, at: escapeStart, "invalid \\u escape")
            }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }
}

// MARK: - Writer

/// The iterative writer behind ``JSONValue/compactJSON``.
private struct JSONWriter {
    /// What remains to be written of an open container.
    private enum Pending {
        case array(IndexingIterator<[JSONValue]>, isFirst: Bool)
        case object(OrderedDictionary<String, JSONValue>.Iterator, isFirst: Bool)
    }

    private(set) var bytes: [UInt8] = []
    private var stack: [Pending] = []

    mutating func write(_ root: JSONValue) {
        writeOrOpen(root)
        while let top = stack.popLast() {
            switch top {
            case .array(var iterator, let isFirst):
                guard let element = iterator.next() else {
                    bytes.append(UInt8(ascii: "]"))
                    continue
                }
                if !isFirst { bytes.append(UInt8(ascii: ",")) }
                stack.append(.array(iterator, isFirst: false))
                writeOrOpen(element)
            case .object(var iterator, let isFirst):
                guard let (key, value) = iterator.next() else {
                    bytes.append(UInt8(ascii: "}"))
                    continue
                }
                if !isFirst { bytes.append(UInt8(ascii: ",")) }
                stack.append(.object(iterator, isFirst: false))
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                writeOrOpen(value)
            }
        }
    }

    /// Writes a scalar value whole, or the opening bracket of a container and pushes its contents.
    private mutating func writeOrOpen(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let integer): bytes.append(contentsOf: String(integer).utf8)
        case .double(let double): writeDouble(double)
        case .string(let string): writeString(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            stack.append(.array(elements.makeIterator(), isFirst: true))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            stack.append(.object(members.makeIterator(), isFirst: true))
        }
    }

    private mutating func writeDouble(_ double: Double) {
        if double.isNaN {
            bytes.append(contentsOf: "null".utf8)
        } else if double.isInfinite {
            bytes.append(contentsOf: (double < 0 ? "-1e999" : "1e999").utf8)
        } else {
            bytes.append(contentsOf: double.description.utf8)
        }
    }

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
            case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
            case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
            case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
            case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
            case ..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: #"\u00"#.utf8)
                if hex.count < 2 { bytes.append(UInt8(ascii: "0")) }
                bytes.append(contentsOf: hex.utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

// MARK: - The common chunk, without the tree

extension JSONValue {
    /// Reads a chat-completions chunk of the common shape straight into a ``StreamChunk``,
    /// without building the value tree; `nil` when the payload is anything else (then
    /// ``StreamChunk/init(json:)`` over the parsed tree decides, errors included).
    ///
    /// The common shape: an object whose `choices` are objects with an integer `index`, a string
    /// or null `finish_reason`, a null `logprobs` and a `delta` of strings or nulls (`content`,
    /// `role`, `refusal`, `reasoning_content`, `reasoning`), whose `model` is a string or null,
    /// whose `usage` and `error` are null, and whose other members are strings, numbers, booleans
    /// or null. Members are read as the tree would be (a repeated key: the last one wins), so the
    /// result is the one ``StreamChunk/init(json:)`` gives for the same text. Measured on one
    /// core: most of a text chunk's cost was building and dropping the tree's dictionaries.
    static func commonChunk(in text: String) -> StreamChunk? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = JSONParser(bytes: bytes)
            return parser.parseCommonChunk()
        }
    }
}

extension JSONParser {
    fileprivate mutating func parseCommonChunk() -> StreamChunk? {
        do throws(JSONParseError) {
            var chunk = StreamChunk()
            skipWhitespace()
            let complete = try self.members { parser, key throws(JSONParseError) -> Bool in
                switch key {
                case .choices:
                    guard let choices = try parser.parseCommonChoices() else { return false }
                    chunk.choices = choices
                case .model:
                    switch try parser.peek() {
                    case UInt8(ascii: "\""):
                        let model = try parser.parseString()
                        chunk.model = model.isEmpty ? nil : model
                    case UInt8(ascii: "n"):
                        try parser.expectLiteral("null")
                        chunk.model = nil
                    default:
                        return false
                    }
                case .usage, .error, .logprobs:
                    guard try parser.peek() == UInt8(ascii: "n") else { return false }
                    try parser.expectLiteral("null")
                case .xGroq, .escaped:
                    return false
                default:
                    return try parser.skipScalar()
                }
                return true
            }
            guard complete else { return nil }
            skipWhitespace()
            return position == bytes.count ? chunk : nil
        } catch {
            return nil
        }
    }

    /// Reads `{ "key": value, … }` from the position, calling `member` at each value; stops with
    /// `false` as soon as `member` does.
    /// The member names the common reading tells apart; `other` for the rest, `escaped` for a
    /// name with an escape (left to the tree).
    fileprivate enum Key {
        case choices, model, usage, error, logprobs, xGroq, index, finishReason, delta
        case content, refusal, reasoningContent, reasoning, role, other, escaped

        static let names: [(StaticString, Key)] = [
            ("choices", .choices), ("model", .model), ("usage", .usage), ("error", .error),
            ("logprobs", .logprobs), ("x_groq", .xGroq), ("index", .index), ("finish_reason", .finishReason),
            ("delta", .delta), ("content", .content), ("refusal", .refusal),
            ("reasoning_content", .reasoningContent), ("reasoning", .reasoning), ("role", .role),
        ]
    }

    /// Reads `"name"` and its `:` without making a string.
    private mutating func parseCommonKey() throws(JSONParseError) -> Key {
        guard try peek() == UInt8(ascii: "\"") else { throw unexpectedCharacter("an object key") }
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20
        {
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return .escaped }
        position = end + 1
        skipWhitespace()
        guard try peek() == UInt8(ascii: ":") else { throw unexpectedCharacter("':'") }
        position += 1
        let length = end - start
        // Few names share a length: compare bytes only with those that have this one.
        for (literal, key) in Key.names where literal.utf8CodeUnitCount == length {
            let expected = literal.utf8Start
            var offset = 0
            while offset < length, expected[offset] == bytes[start + offset] { offset += 1 }
            if offset == length { return key }
        }
        return .other
    }

    private mutating func members(
        _ member: (inout JSONParser, Key) throws(JSONParseError) -> Bool
    ) throws(JSONParseError) -> Bool {
        guard try peek() == UInt8(ascii: "{") else { return false }
        position += 1
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return true
        }
        while true {
            skipWhitespace()
            let key = try parseCommonKey()
            if key == .escaped { return false }
            skipWhitespace()
            guard try member(&self, key) else { return false }
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                return true
            default:
                return false
            }
        }
    }

    /// A string, number, boolean or null, skipped; `false` for an array or object.
    private mutating func skipScalar() throws(JSONParseError) -> Bool {
        switch try peek() {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: return false
        }
        return true
    }

    /// Checks a number's grammar as ``parseNumber()`` does, without converting it.
    private mutating func skipNumber() throws(JSONParseError) {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        var digits = position
        skipDigits()
        let integral = position - digits
        guard integral > 0, integral == 1 || bytes[digits] != UInt8(ascii: "0") else {
            position = start
            _ = try parseNumber()  // the same error the tree gives
            return
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            digits = position
            skipDigits()
            if position == digits {
                position = start
                _ = try parseNumber()
                return
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            digits = position
            skipDigits()
            if position == digits {
                position = start
                _ = try parseNumber()
                return
            }
        }
    }

    /// Checks a string as ``parseString()`` does, without making it.
    private mutating func skipString() throws(JSONParseError) {
        let start = position
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                position = start
                _ = try parseString()
                return
            }
            if byte < 0x20 { throw controlCharacterError() }
            position += 1
        }
        throw JSONParseError(.unexpectedEnd, at: start, "unterminated string")
    }

    /// A string, or `nil` inside for null; `nil` for anything else.
    private mutating func stringOrNull() throws(JSONParseError) -> String?? {
        switch try peek() {
        case UInt8(ascii: "\""): return .some(try parseString())
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .some(nil)
        default: return nil
        }
    }

    private mutating func parseCommonChoices() throws(JSONParseError) -> [StreamChunk.Choice]? {
        guard try peek() == UInt8(ascii: "[") else { return nil }
        position += 1
        var choices: [StreamChunk.Choice] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return choices
        }
        while true {
            skipWhitespace()
            guard let choice = try parseCommonChoice() else { return nil }
            choices.append(choice)
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return choices
            default: return nil
            }
        }
    }

    private mutating func parseCommonChoice() throws(JSONParseError) -> StreamChunk.Choice? {
        var choice = StreamChunk.Choice()
        let complete = try self.members { parser, key throws(JSONParseError) -> Bool in
            switch key {
            case .index:
                switch try parser.peek() {
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    choice.index = StreamChunk.Choice.integer(try parser.parseNumber()) ?? 0
                case UInt8(ascii: "n"):
                    try parser.expectLiteral("null")
                    choice.index = 0
                default:
                    return false
                }
            case .finishReason:
                guard let reason = try parser.stringOrNull() else { return false }
                choice.finishReason = reason
            case .logprobs:
                guard try parser.peek() == UInt8(ascii: "n") else { return false }
                try parser.expectLiteral("null")
            case .delta:
                guard try parser.peek() == UInt8(ascii: "{") else { return false }
                // A later `delta` replaces an earlier one, as in the tree.
                choice.textFragments = []
                choice.refusalFragment = nil
                choice.reasoningContentFragment = nil
                choice.reasoningFragment = nil
                return try parser.parseCommonDelta(into: &choice)
            default:
                return try parser.skipScalar()
            }
            return true
        }
        return complete ? choice : nil
    }

    private mutating func parseCommonDelta(into choice: inout StreamChunk.Choice) throws(JSONParseError) -> Bool {
        try self.members { parser, key throws(JSONParseError) -> Bool in
            func nonEmpty(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }
            switch key {
            case .content:
                guard let content = try parser.stringOrNull() else { return false }
                choice.textFragments = nonEmpty(content).map { [$0] } ?? []
            case .refusal:
                guard let text = try parser.stringOrNull() else { return false }
                choice.refusalFragment = nonEmpty(text)
            case .reasoningContent:
                guard let text = try parser.stringOrNull() else { return false }
                choice.reasoningContentFragment = nonEmpty(text)
            case .reasoning:
                guard let text = try parser.stringOrNull() else { return false }
                choice.reasoningFragment = nonEmpty(text)
            case .role:
                guard try parser.stringOrNull() != nil else { return false }
            default:
                return false
            }
            return true
        }
    }
}
