import StreamReplayScenario

/// libFuzzer entry: load the input as a scenario file; it loads or reports problems, never crashes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        _ = try ScenarioLoader().load(yaml: text, file: "fuzz.yaml")
    } catch {
        precondition(!error.diagnostics.isEmpty || !error.message.isEmpty)
    }
    return 0
}
