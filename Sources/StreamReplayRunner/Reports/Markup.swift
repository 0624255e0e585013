/// Text for XML and HTML: `&`, `<`, `>`, quotes as entities, and characters XML 1.0 cannot hold
/// (controls other than tab, LF and CR; U+FFFE, U+FFFF) as U+FFFD, so that a report stays
/// well-formed whatever an engine or a provider sent.
enum Markup {
    static func escape(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\n", "\t", "\r": output.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    output += "\u{FFFD}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}
