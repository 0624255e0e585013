/// Replaces secrets with `[redacted]` in what the tools keep: recordings, imports and the fake's
/// journal. One type, so all three redact the same shapes.
///
/// By default it finds:
/// - API keys of well-known shapes: `sk-…` (so `sk-proj-…` and `sk-ant-…`), `gsk_…`, `xai-…`,
///   `AIza…`, each starting at a word boundary and followed by at least 20 key characters
///   (letters, digits, `_`, `-`);
/// - bearer tokens: `Bearer <token>` with a token of at least 8 characters;
/// - the values of JSON fields whose whole name is, ignoring case, `api_key`, `apiKey`,
///   `access_token`, `password` or `secret` (never `prompt_tokens`, `max_tokens` or `token`):
///   in parsed JSON, and in JSON text, also one level of escaping deep (JSON inside a JSON string);
/// - the values of secret headers (`Authorization`, `api-key`, `x-api-key`, cookies, …).
///
/// `patterns` adds regular expressions whose matches are redacted too.
///
/// ```swift
/// let redactor = Redactor(patterns: ["[\\w.]+@[\\w.]+"])
/// redactor.redact("key sk-proj-AbC_12-xyz0123456789abcdef")   // "key [redacted]"
/// ```
package struct Redactor: Sendable {
    /// What a secret is replaced with.
    package static let replacement = "[redacted]"
    /// Header names (lowercased) whose whole value is a secret.
    package static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie", "x-goog-api-key",
    ]
    /// JSON field names (lowercased) whose value is a secret.
    package static let secretFields: Set<String> = ["api_key", "apikey", "access_token", "password", "secret"]
    /// The prefixes of well-known API keys; `sk-` covers `sk-proj-` and `sk-ant-`.
    static let keyPrefixes: [[UInt8]] = ["sk-", "gsk_", "xai-", "AIza"].map { Array($0.utf8) }
    /// The key characters a key needs after its prefix.
    static let minimumKeyLength = 20
    /// The characters a bearer token needs.
    static let minimumTokenLength = 8

    /// Extra regular expressions (Swift `Regex` syntax) whose matches are redacted.
    package var patterns: [String]

    package init(patterns: [String] = []) {
        self.patterns = patterns
    }

    // MARK: Entry points

    /// `text` with every secret replaced.
    package func redact(_ text: String) -> String {
        var result = String(decoding: Self.redactShapes(Array(text.utf8)), as: UTF8.self)
        for pattern in self.patterns {
            guard let regex = try? Regex(pattern) else { continue }
            result = result.replacing(regex, with: Self.replacement)
        }
        return result
    }

    /// `bytes` with every secret replaced; bytes that are not UTF-8 get the built-in shapes only.
    package func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard !self.patterns.isEmpty, let text = String(validating: bytes, as: UTF8.self) else {
            return Self.redactShapes(bytes)
        }
        return Array(self.redact(text).utf8)
    }

    /// `value` with the scalar values of secret fields replaced and every string redacted.
    package func redact(_ value: ScenarioValue) -> ScenarioValue {
        switch value {
        case .string(let text):
            return .string(self.redact(text))
        case .array(let items):
            return .array(items.map { self.redact($0) })
        case .object(let members):
            return .object(
                members.map { member in
                    switch member.value {
                    case .string, .int, .double, .bool:
                        if Self.secretFields.contains(member.key.lowercased()) {
                            return ScenarioValue.Member(member.key, .string(Self.replacement))
                        }
                    default:
                        break
                    }
                    return ScenarioValue.Member(member.key, self.redact(member.value))
                }
            )
        case .null, .bool, .int, .double:
            return value
        }
    }

    /// A header's value as it may be kept: all of it redacted for a secret header, else its
    /// secrets.
    package func redact(header name: String, value: String) -> String {
        Self.secretHeaders.contains(name.lowercased()) ? Self.replacement : self.redact(value)
    }

    // MARK: Built-in shapes

    private static let replacementBytes = Array(replacement.utf8)

    /// Replaces keys, bearer tokens and secret JSON fields in one pass over the bytes.
    static func redactShapes(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let end = self.keyEnd(in: bytes, at: index) {
                output += self.replacementBytes
                index = end
            } else if let token = self.bearerToken(in: bytes, at: index) {
                output += bytes[index..<token.lowerBound]
                output += self.replacementBytes
                index = token.upperBound
            } else if let field = self.secretFieldValue(in: bytes, at: index) {
                output += bytes[index..<field.value.lowerBound]
                output += field.quote + self.replacementBytes + field.quote
                index = field.value.upperBound
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        self.isWordByte(byte) || byte == 0x2D
    }

    private static func atWordBoundary(_ bytes: [UInt8], _ index: Int) -> Bool {
        index == 0 || !self.isWordByte(bytes[index - 1])
    }

    private static func hasPrefix(
        _ prefix: [UInt8],
        in bytes: [UInt8],
        at index: Int,
        ignoringCase: Bool = false
    )
        -> Bool
    {
        guard index + prefix.count <= bytes.count else { return false }
        for offset in 0..<prefix.count {
            var byte = bytes[index + offset]
            if ignoringCase, byte >= 0x41, byte <= 0x5A { byte += 0x20 }
            if byte != prefix[offset] { return false }
        }
        return true
    }

    /// The end of an API key starting at `index`.
    private static func keyEnd(in bytes: [UInt8], at index: Int) -> Int? {
        guard self.atWordBoundary(bytes, index) else { return nil }
        for prefix in self.keyPrefixes where self.hasPrefix(prefix, in: bytes, at: index) {
            var end = index + prefix.count
            while end < bytes.count, self.isKeyByte(bytes[end]) { end += 1 }
            if end - index - prefix.count >= self.minimumKeyLength { return end }
        }
        return nil
    }

    private static let bearer = Array("bearer".utf8)

    /// The token of `Bearer <token>` starting at `index`.
    private static func bearerToken(in bytes: [UInt8], at index: Int) -> Range<Int>? {
        guard self.atWordBoundary(bytes, index), self.hasPrefix(self.bearer, in: bytes, at: index, ignoringCase: true)
        else { return nil }
        var start = index + self.bearer.count
        guard start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 else { return nil }
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var end = start
        // RFC 6750 token68: letters, digits, - . _ ~ + /, then = padding.
        while end < bytes.count, self.isKeyByte(bytes[end]) || "._~+/=".utf8.contains(bytes[end]) { end += 1 }
        return end - start >= self.minimumTokenLength ? start..<end : nil
    }

    /// The value of a secret JSON field whose quoted name starts at `index`: `"name": value`, or
    /// `\"name\": \"value\"` inside a JSON string. `quote` is the quote to write around the
    /// replacement.
    private static func secretFieldValue(in bytes: [UInt8], at index: Int) -> (value: Range<Int>, quote: [UInt8])? {
        let quote: [UInt8]
        if bytes[index] == 0x22 {
            quote = [0x22]
        } else if bytes[index] == 0x5C, index + 1 < bytes.count, bytes[index + 1] == 0x22 {
            quote = [0x5C, 0x22]
        } else {
            return nil
        }
        // The name: letters and `_` only, then the closing quote.
        var cursor = index + quote.count
        let nameStart = cursor
        while cursor < bytes.count, cursor - nameStart <= 16, self.isWordByte(bytes[cursor]) { cursor += 1 }
        guard cursor > nameStart, self.hasPrefix(quote, in: bytes, at: cursor) else { return nil }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
        guard self.secretFields.contains(name) else { return nil }
        cursor += quote.count
        while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == 0x3A else { return nil }
        cursor += 1
        while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
        let valueStart = cursor
        if self.hasPrefix(quote, in: bytes, at: cursor) {
            guard let end = self.stringEnd(in: bytes, from: cursor + quote.count, escaped: quote.count == 2) else {
                return nil
            }
            return (valueStart..<end, quote)
        }
        // A number or boolean (null is left alone; objects and lists are walked into).
        while cursor < bytes.count, self.isWordByte(bytes[cursor]) || "+-.".utf8.contains(bytes[cursor]) {
            cursor += 1
        }
        let scalar = String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
        guard cursor > valueStart, scalar != "null" else { return nil }
        return (valueStart..<cursor, quote)
    }

    /// The index just past the closing quote of a JSON string whose content starts at `start`;
    /// `escaped` for a string written inside another JSON string (quotes are `\"`).
    private static func stringEnd(in bytes: [UInt8], from start: Int, escaped: Bool) -> Int? {
        var cursor = start
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if !escaped {
                if byte == 0x5C {
                    cursor += 2
                    continue
                }
                if byte == 0x22 { return cursor + 1 }
            } else if byte == 0x5C, cursor + 1 < bytes.count {
                if bytes[cursor + 1] == 0x22 { return cursor + 2 }
                // `\\` is the inner string's backslash: it escapes the (outer-escaped) next character.
                if bytes[cursor + 1] == 0x5C {
                    cursor += 2
                    cursor += cursor + 1 < bytes.count && bytes[cursor] == 0x5C ? 2 : 1
                    continue
                }
                cursor += 2
                continue
            }
            cursor += 1
        }
        return nil
    }
}
