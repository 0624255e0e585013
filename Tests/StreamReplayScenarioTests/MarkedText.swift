/// YAML written inline with `1️⃣`, `2️⃣`, … markers; the markers are removed and their line and
/// column (1-based, in Unicode scalars) remembered, so tests assert diagnostics at the marker.
struct MarkedText {
    static let markers: [Character] = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

    var text = ""
    var positions: [Character: (line: Int, column: Int)] = [:]

    init(_ marked: String) {
        var line = 1
        var column = 1
        for character in marked {
            if Self.markers.contains(character) {
                self.positions[character] = (line, column)
                continue
            }
            self.text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
    }

    subscript(marker: Character) -> (line: Int, column: Int) {
        self.positions[marker] ?? (0, 0)
    }
}
