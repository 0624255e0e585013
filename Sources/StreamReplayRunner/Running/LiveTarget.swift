/// A real OpenAI-compatible endpoint for `run --live`.
package struct LiveTarget: Sendable, CustomStringConvertible {
    /// The base URL, such as `https://api.openai.com/v1`.
    package var baseURL: String
    /// The model sent in every request (it replaces the scenario's `engine.model`).
    package var model: String
    /// The API key, read from the environment by the caller; never printed.
    package var apiKey: String?

    package init(baseURL: String, model: String, apiKey: String?) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
    }

    package var description: String {
        "LiveTarget(\(self.baseURL), model: \(self.model), key: \(self.apiKey == nil ? "none" : "[redacted]"))"
    }
}
