/// A real OpenAI-compatible endpoint for `run --live`.
public struct LiveTarget: Sendable, CustomStringConvertible {
    /// The base URL, such as `https://api.openai.com/v1`.
    public var baseURL: String
    /// The model sent in every request (it replaces the scenario's `engine.model`).
    public var model: String
    /// The API key, read from the environment by the caller; never printed.
    public var apiKey: String?

    public init(baseURL: String, model: String, apiKey: String?) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
    }

    public var description: String {
        "LiveTarget(\(self.baseURL), model: \(self.model), key: \(self.apiKey == nil ? "none" : "[redacted]"))"
    }
}
