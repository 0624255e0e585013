/// The JSON Schema (draft 2020-12) of the scenario format, for editors and other tools.
///
/// It says which keys exist at every level, their types and ranges, and which `$` operators a
/// matcher may use, so that an editor with a YAML language server completes keys and underlines
/// typos while typing. Rules that span fields (`delay_ms` alone in its frame, one of `result`,
/// `results` and `error` per tool) remain the loader's: a file the schema accepts can still be
/// refused by ``ScenarioLoader``, never the other way round for a valid scenario.
///
/// ```swift
/// try ScenarioSchema.json.write(toFile: "scenario.schema.json", atomically: true, encoding: .utf8)
/// ```
package enum ScenarioSchema {
    /// The schema as JSON text; `stream-replay schema` prints it and the repository commits it as
    /// `docs/scenario.schema.json`.
    package static var json: String { Self.text + "\n" }
}
