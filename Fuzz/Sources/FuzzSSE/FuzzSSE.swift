import StreamReplaySSE

/// libFuzzer entry: decode the input whole and split at an input-chosen offset; both must agree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var whole = SSEStreamParser()
    let expected = whole.push(bytes) + whole.finish()
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var split = SSEStreamParser()
    let actual = split.push(bytes[..<cut]) + split.push(bytes[cut...]) + split.finish()
    precondition(expected == actual, "the decoder depends on chunk boundaries")
    return 0
}
