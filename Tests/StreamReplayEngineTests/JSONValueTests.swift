import StreamReplayEngine
import Testing

struct JSONValueTests {
    // MARK: Values

    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(parsing: #"{"n":null,"t":true,"f":false,"i":-7,"d":2.5,"s":"x","a":[1,[]],"o":{}}"#)
        let expected: JSONValue = [
            "n": nil, "t": true, "f": false, "i": -7, "d": 2.5, "s": "x", "a": [1, []], "o": [:],
        ]
        #expect(value == expected)
    }

    @Test(arguments: [
        ("0", JSONValue.int(0)),
        ("-0", .int(0)),
        ("15", .int(15)),
        ("-42", .int(-42)),
        ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)),
        ("15.0", .double(15)),
        ("1e3", .double(1000)),
        ("1E+2", .double(100)),
        ("2.5e-1", .double(0.25)),
        ("-0.5", .double(-0.5)),
    ])
    func integersStayDistinctFromDoubles(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }

    @Test func integerOutsideInt64BecomesADouble() throws {
        #expect(try JSONValue(parsing: "9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue(parsing: "123456789012345678901234567890").int64Value == nil)
    }

    @Test func numberPastTheDoubleRangeIsInfinite() throws {
        #expect(try JSONValue(parsing: "1e400") == .double(.infinity))
        #expect(try JSONValue(parsing: "-1e400") == .double(-.infinity))
    }

    @Test func objectKeysKeepTheirOrder() throws {
        let value = try JSONValue(parsing: #"{"zeta":1,"alpha":2,"mid":{"y":1,"b":2}}"#)
        #expect(value.compactJSON == #"{"zeta":1,"alpha":2,"mid":{"y":1,"b":2}}"#)
        // Equality is order-sensitive, so the literal also pins the order.
        #expect(value == ["zeta": 1, "alpha": 2, "mid": ["y": 1, "b": 2]])
        #expect(value != ["alpha": 2, "zeta": 1, "mid": ["y": 1, "b": 2]])
    }

    @Test func duplicateKeyKeepsFirstPositionAndLastValue() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value.compactJSON == #"{"a":3,"b":2}"#)
        #expect(value["a"] == 3)
    }

    @Test func whitespacePaddingIsAccepted() throws {
        // Anthropic pads objects with runs of spaces (F7); all four JSON whitespace bytes count.
        let value = try JSONValue(parsing: " \t\r\n{ \"a\" :\t[ 1 ,\r\n2 ] }       \n")
        #expect(value == ["a": [1, 2]])
    }

    @Test func accessorsReturnNilForOtherKinds() throws {
        let value: JSONValue = ["s": "x", "i": 1, "d": 1.0, "n": nil]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.int64Value == 1)
        #expect(value["d"]?.int64Value == nil)
        #expect(value["n"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(JSONValue.int(1)["s"] == nil)
        #expect(JSONValue.string("x").arrayValue == nil)
    }

    // MARK: Strings

    @Test func escapesAreDecoded() throws {
        let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0041\u00e9\u4e2d""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé中"))
    }

    @Test func surrogatePairIsOneScalar() throws {
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONValue(parsing: #""a\uD83D\uDE00b""#) == .string("a😀b"))
    }

    @Test(arguments: [
        (#""\ud83d""#, "\u{FFFD}"),
        (#""\ude00x""#, "\u{FFFD}x"),
        (#""\ud83d\u0041""#, "\u{FFFD}A"),
        (#""\ud83d\ud83d\ude00""#, "\u{FFFD}😀"),
    ])
    func loneSurrogateBecomesReplacementCharacter(text: String, expected: String) throws {
        #expect(try JSONValue(parsing: text) == .string(expected))
    }

    @Test func rawNonASCIIIsKept() throws {
        #expect(try JSONValue(parsing: "\"héllo 中文 👩‍👩‍👧\"") == .string("héllo 中文 👩‍👩‍👧"))
    }

    @Test func invalidUTF8InsideAStringBecomesReplacementCharacter() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        #expect(try JSONValue(parsing: bytes) == .string("a\u{FFFD}b"))
    }

    @Test func parsesFromBytesAndFromStringAlike() throws {
        let text = #"{"a":[1,2.5,"é"],"b":null}"#
        let fromString = try JSONValue(parsing: text)
        #expect(try JSONValue(parsing: Array(text.utf8)) == fromString)
        #expect(try JSONValue(parsing: Array(text.utf8)[...]) == fromString)
        // A collection without contiguous storage is copied first.
        #expect(try JSONValue(parsing: text.utf8.lazy.map { $0 }) == fromString)
    }

    // MARK: Rejections

    @Test(arguments: [
        ("", JSONParseError.Code.unexpectedEnd),
        ("   ", .unexpectedEnd),
        ("{", .unexpectedEnd),
        ("[1,", .unexpectedEnd),
        (#""abc"#, .unexpectedEnd),
        (#""\u12"#, .unexpectedEnd),
        ("[1,]", .unexpectedCharacter),
        ("[1 2]", .unexpectedCharacter),
        (#"{"a"}"#, .unexpectedCharacter),
        (#"{"a":1,}"#, .unexpectedCharacter),
        ("{a:1}", .unexpectedCharacter),
        ("'a'", .unexpectedCharacter),
        ("NaN", .unexpectedCharacter),
        ("Infinity", .unexpectedCharacter),
        ("tru", .unexpectedEnd),
        ("nul", .unexpectedEnd),
        ("trUe", .unexpectedCharacter),
        ("1 2", .unexpectedCharacter),
        (#"{"a":1}{"b":2}"#, .unexpectedCharacter),
        ("[1]]", .unexpectedCharacter),
        ("01", .invalidNumber),
        ("1.", .invalidNumber),
        (".5", .unexpectedCharacter),
        ("-", .invalidNumber),
        ("1e", .invalidNumber),
        ("1e+", .invalidNumber),
        ("+1", .unexpectedCharacter),
        (#""\x""#, .invalidString),
        (#""\u12G4""#, .invalidString),
        ("\"a\nb\"", .invalidString),
        ("\"a\u{0}b\"", .invalidString),
    ])
    func malformedDocumentIsRejected(text: String, code: JSONParseError.Code) {
        #expect {
            try JSONValue(parsing: text)
        } throws: { error in
            (error as? JSONParseError)?.code == code
        }
    }

    @Test func errorDescriptionNamesWhatAndWhere() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONValue(parsing: #"{"a":1"#) }
        #expect(error.offset == 6)
        #expect(error.description == "unexpected end of input at byte 6")
        let other = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "[1 x]") }
        #expect(other.description == "unexpected 'x', expected ',' or ']' at byte 3")
    }

    // MARK: Depth

    @Test(arguments: ["[", "{\"k\":"])
    func nestingOf512ContainersIsAccepted(open: String) throws {
        let close = open == "[" ? "]" : "}"
        let text = String(repeating: open, count: 512) + "0" + String(repeating: close, count: 512)
        var value = try JSONValue(parsing: text)
        var depth = 0
        while true {
            if let inner = value.arrayValue?.first ?? value["k"] {
                value = inner
                depth += 1
            } else {
                break
            }
        }
        #expect(depth == 512)
        #expect(value == 0)
    }

    @Test(arguments: [
        String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
        String(repeating: "{\"k\":", count: 512) + "{}" + String(repeating: "}", count: 512),
        String(repeating: "[{\"k\":", count: 256) + "[1]" + String(repeating: "}]", count: 256),
        "{\"args\":" + String(repeating: "[", count: 600),
    ])
    func nestingDeeperThan512IsRejected(text: String) {
        #expect {
            try JSONValue(parsing: text)
        } throws: { error in
            (error as? JSONParseError)?.code == .nestingTooDeep
        }
    }

    @Test func aMillionOpenBracketsFailWithoutCrashing() {
        let text = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func wideDocumentsAreNotLimited() throws {
        let text = "[" + Array(repeating: "{\"a\":[1]}", count: 10_000).joined(separator: ",") + "]"
        #expect(try JSONValue(parsing: text).arrayValue?.count == 10_000)
    }

    // MARK: Serialisation

    @Test func compactSerialisationHasNoWhitespaceAndKeepsKeyOrder() throws {
        let value = try JSONValue(parsing: #"{ "b" : [ 1 , 2.5 , true , null ] , "a" : { } , "c" : [ ] }"#)
        #expect(value.compactJSON == #"{"b":[1,2.5,true,null],"a":{},"c":[]}"#)
    }

    @Test func compactSerialisationEscapesOnlyWhatJSONRequires() {
        let value = JSONValue.string("q\"b\\s/\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀")
        #expect(value.compactJSON == #""q\"b\\s/\n\r\t\b\f\u0001\u001fé😀""#)
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #"[1.5,-0.25,1e-07,1e+20,9223372036854775807,-9223372036854775808]"#,
        #"{"city":"Zürich","emoji":"😀","nested":[[[]]]}"#,
        #""line\nbreak""#,
    ])
    func serialisationRoundTrips(text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(try JSONValue(parsing: value.compactJSON) == value)
        #expect(value.compactJSON == text)
    }

    @Test func integersAndDoublesSerialiseDistinctly() {
        #expect(JSONValue.int(15).compactJSON == "15")
        #expect(JSONValue.double(15).compactJSON == "15.0")
    }

    @Test func nonFiniteDoublesSerialiseAsValidJSON() throws {
        #expect(JSONValue.double(.infinity).compactJSON == "1e999")
        #expect(try JSONValue(parsing: JSONValue.double(-.infinity).compactJSON) == .double(-.infinity))
        #expect(JSONValue.double(.nan).compactJSON == "null")
    }

    @Test func serialisingDeepValuesDoesNotRecurse() throws {
        let text = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try JSONValue(parsing: text).compactJSON == text)
    }

    @Test func dictionaryLiteralKeepsWrittenOrder() {
        let value = JSONValue(dictionaryLiteral: ("z", 1), ("a", 2), ("z", 3))
        #expect(value.compactJSON == #"{"z":3,"a":2}"#)
    }
}
