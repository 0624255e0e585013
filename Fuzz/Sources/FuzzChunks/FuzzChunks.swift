@testable import StreamReplayEngine

/// libFuzzer entry: every line of the input is a chunk's data; interpret them and accumulate
/// their tool-call fragments, then finish the hop. Nothing may crash or hang, and the fast
/// reading of common chunks never disagrees with the JSON tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    var selector = StreamChunk.ChoiceSelector()
    var accumulator = ToolCallAccumulator()
    for line in text.split(separator: "\n") {
        if let fast = JSONValue.commonChunk(in: String(line)) {
            let tree = (try? JSONValue(parsing: String(line))).map(StreamChunk.init(json:))
            precondition(fast == tree, "the fast reading disagrees with the tree on \(line)")
        }
        guard let payload = try? StreamChunk.Payload(data: String(line)), case .chunk(let chunk) = payload else {
            continue
        }
        for choice in selector.followedChoices(in: chunk) {
            for fragment in choice.toolCallFragments { accumulator.add(fragment) }
        }
    }
    for call in accumulator.toolCalls(requestID: "r", hop: 0) {
        _ = call.followUpJSON.compactJSON
        _ = call.invalidArgumentsResult
    }
    return 0
}
