/// The ways a byte-level parser test feeds its input (style: "fed byte by byte, all at once, and
/// in random splits with empty buffers mixed in").
package enum ByteSplits {
    /// Every feeding of `bytes` a parser test should survive: whole, byte by byte, and 20 seeded
    /// random splits that include empty pieces.
    package static func all(of bytes: [UInt8]) -> [[[UInt8]]] {
        var feedings: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
        for seed in 0..<20 {
            feedings.append(self.random(of: bytes, seed: UInt64(seed)))
        }
        return feedings
    }

    /// `bytes` cut at seeded random places, with empty pieces mixed in.
    package static func random(of bytes: [UInt8], seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        var pieces: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            if Int.random(in: 0..<5, using: &generator) == 0 {
                pieces.append([])
            }
            let length = Int.random(in: 1...max(1, min(17, bytes.count - index)), using: &generator)
            pieces.append(Array(bytes[index..<index + length]))
            index += length
        }
        pieces.append([])
        return pieces
    }
}
