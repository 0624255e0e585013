import StreamReplayEngine
import Synchronization

/// Event ids and delta-id suffixes from a seeded generator (SplitMix64), so runs repeat exactly.
final class SeededIDSource: ChatEngineIDSource {
    private let state: Mutex<UInt64>

    init(seed: UInt64 = 0) {
        self.state = Mutex(seed)
    }

    private func next() -> UInt64 {
        self.state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func uuid() -> String {
        let high = (self.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (self.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = Self.hex(high, digits: 16) + Self.hex(low, digits: 16)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    func hex8() -> String {
        Self.hex(self.next() >> 32, digits: 8)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
