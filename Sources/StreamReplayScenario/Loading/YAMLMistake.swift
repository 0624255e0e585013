/// The common YAML mistakes behind libyaml's terse errors, said in words: what is wrong, how to
/// fix it, and where (libyaml's position is sometimes the token after the culprit).
struct YAMLMistake: Equatable {
    /// What is wrong and how to fix it.
    var hint: String
    /// The 1-based line the diagnostic points at; `nil` for the line libyaml reported.
    var line: Int?
    /// The 1-based column the diagnostic points at.
    var column: Int

    init(hint: String, line: Int? = nil, column: Int) {
        self.hint = hint
        self.line = line
        self.column = column
    }

    /// The mistake behind a parser `problem` reported at `column` of `line`, with libyaml's
    /// `context` (such as "while parsing a block collection") and that context's position;
    /// `nil` when it is none of the common ones.
    static func explaining(
        problem: String,
        context: (text: String, line: Int, column: Int)?,
        line: Substring?,
        previousLine: (number: Int, text: Substring)? = nil,
        column: Int
    ) -> YAMLMistake? {
        let scalars = Array((line ?? "").unicodeScalars)
        let index = column - 1
        let atMark = index >= 0 && index < scalars.count ? scalars[index] : nil
        let firstNonBlank = (scalars.firstIndex { $0 != " " && $0 != "\t" } ?? max(index, 0)) + 1
        if atMark == "\t" || problem.contains("tab character") {
            return YAMLMistake(hint: "YAML does not allow tabs for indentation; use spaces", column: column)
        }
        switch problem {
        case "mapping values are not allowed in this context":
            let before = String(String.UnicodeScalarView(scalars.prefix(max(index, 0))))
            if before.contains(": ") || before.contains(":\t") {
                return YAMLMistake(
                    hint: "a value containing ': ' must be quoted: key: 'a: b'",
                    column: column
                )
            }
            // A plain scalar ran on from the line above: that line has no ':' (a key without
            // one), or this key is indented deeper than its siblings.
            if let previousLine, !previousLine.text.contains(":") {
                let text = Array(previousLine.text.unicodeScalars)
                var start = text.firstIndex { $0 != " " } ?? 0
                if start + 1 < text.count, text[start] == "-", text[start + 1] == " " {
                    start = (text[(start + 1)...].firstIndex { $0 != " " }) ?? start
                }
                return YAMLMistake(
                    hint: "this line has no ':' after its key, so it runs on into the key below; write 'key: value'",
                    line: previousLine.number,
                    column: start + 1
                )
            }
            return YAMLMistake(
                hint: "the indentation of this key does not line up with the keys above; "
                    + "indent it like its siblings (or quote a value that goes on over several lines)",
                column: firstNonBlank
            )
        case "did not find expected '-' indicator", "did not find expected key":
            var hint =
                atMark == "-"
                ? "the indentation of this item does not line up with the items above"
                : "the indentation of this line does not line up with the lines above"
            if let context {
                let what = context.text.contains("block collection") ? "list" : "map"
                hint +=
                    "; the \(what) begun at line \(context.line) has its "
                    + (what == "list" ? "'-'" : "keys") + " in column \(context.column)"
            }
            return YAMLMistake(hint: hint, column: firstNonBlank)
        case "found character that cannot start any token":
            if atMark == "@" || atMark == "`" {
                return YAMLMistake(
                    hint: "'\(atMark.map(String.init) ?? "")' is reserved in YAML: quote a value that starts with it",
                    column: column
                )
            }
            return nil
        default:
            return nil
        }
    }
}
