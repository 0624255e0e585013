import FuzzDriver

@_cdecl("FuzzChunks_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, size in
        guard let start else { return 0 }
        return fuzz(start, size)
    }
}
