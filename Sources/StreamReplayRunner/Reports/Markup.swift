/// Text for XML and HTML: `&`, `<`, `>`, quotes as entities, and characters XML 1.0 cannot hold
/// (controls other than tab, LF and CR; U+FFFE, U+FFFF) as U+FFFD, so that a report stays
/// well-formed whatever an engine or a provider sent.
enum Markup {
    /// An attribute value (or any text): quotes escaped too.
    static func escape(_ text: String) -> String {
        Self.escape(text, quotes: true)
    }

    /// Text between tags: quotes kept as they are (only attribute values need them escaped), so
    /// that the page's text reads as the text report's does.
    static func escapeText(_ text: String) -> String {
        Self.escape(text, quotes: false)
    }

    private static func escape(_ text: String, quotes: Bool) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where quotes: output += "&quot;"
            case "'" where quotes: output += "&apos;"
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
