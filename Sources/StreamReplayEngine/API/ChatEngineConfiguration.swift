/// How a ``ChatEngine`` talks to its provider and persists its turns. The keys and defaults are
/// those of the engine contract.
public struct ChatEngineConfiguration: Sendable, CustomStringConvertible {
    /// The provider's base URL; requests go to `{baseURL}/chat/completions`.
    public var baseURL: String
    /// The API key, sent as `Authorization: Bearer …` when set. Read it from the environment;
    /// it never appears in ``description``, logs or errors.
    public var apiKey: String?
    /// The model name sent in each request.
    public var model: String
    /// At most this many tool rounds, then the hop-limit warning (≥ 1).
    public var maxToolHops = 8
    /// Persist streamed text as batched `meta` / `assistant_delta` events.
    public var persistDeltas = false
    /// Flush the delta buffer when this much time passed since the last flush.
    public var persistInterval: Duration = .milliseconds(200)
    /// Flush when the buffer holds at least this many Unicode scalars (0 = never by size).
    public var persistMinChars = 1024
    /// A system message put first in every request; none by default.
    public var systemPrompt: String?
    /// How many earlier user/assistant events are sent (≥ 0).
    public var historyLimit = 50
    /// End the turn with `idle_timeout` when no byte arrives for this long (injected clock).
    public var idleTimeout: Duration = .seconds(60)
    /// How long establishing a connection (TCP, a proxy's tunnel and TLS) may take, in real
    /// time; a connection not made by then fails the attempt with `connect_failed`.
    public var connectTimeout: Duration = .seconds(10)
    /// The HTTP proxies to go through; `nil` (the default) connects directly. The environment's
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) are ``ChatEngineProxy/environment(_:)``; the
    /// engine never reads them on its own, so that a test against a local fake is not proxied.
    public var proxy: ChatEngineProxy?
    /// Retries before the first byte of a hop (connect failures, 429, 5xx).
    public var llmRetries = 0
    /// The tools offered to the model, sent as the request's `tools`.
    public var tools: [ToolDefinition] = []
    /// Extra top-level request parameters, as a JSON object text (such as
    /// `{"temperature": 0, "stream_options": {"include_usage": true}}`), passed through.
    public var extraParametersJSON: String?

    /// A configuration with the contract's defaults for everything but the endpoint and the model.
    ///
    /// Nothing is checked here: ``ChatEngine/init(configuration:store:tools:eventLoopGroup:dependencies:logger:)``
    /// refuses an invalid configuration with `invalid_configuration`.
    ///
    /// - Parameters:
    ///   - baseURL: The provider's base URL, starting with `http://` or `https://`, such as
    ///     `https://api.openai.com/v1`.
    ///   - apiKey: The API key; `nil` or empty sends no `Authorization` header.
    ///   - model: The model name sent in each request; must not be empty.
    public init(baseURL: String, apiKey: String? = nil, model: String) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
    }

    /// The base URL, the model, `maxToolHops` and whether an API key is set; never the key itself.
    public var description: String {
        "ChatEngineConfiguration(baseURL: \(self.baseURL), model: \(self.model), apiKey: \(self.apiKey == nil ? "none" : "[redacted]"), maxToolHops: \(self.maxToolHops))"
    }

    /// Checks the ranges of the contract.
    func validate() throws(ChatEngineError) {
        func invalid(_ message: String) -> ChatEngineError {
            ChatEngineError(code: .invalidConfiguration, message: message)
        }
        if self.maxToolHops < 1 { throw invalid("max_tool_hops must be at least 1, found \(self.maxToolHops)") }
        if self.historyLimit < 0 { throw invalid("history_limit must be at least 0, found \(self.historyLimit)") }
        if self.persistMinChars < 0 { throw invalid("min_chars must be at least 0, found \(self.persistMinChars)") }
        if self.llmRetries < 0 { throw invalid("llm_retries must be at least 0, found \(self.llmRetries)") }
        if self.idleTimeout <= .zero { throw invalid("idle_timeout_ms must be positive") }
        if self.connectTimeout <= .zero { throw invalid("connect timeout must be positive") }
        if self.persistInterval < .zero { throw invalid("interval_ms must be at least 0") }
        if self.model.isEmpty { throw invalid("model must not be empty") }
        guard self.baseURL.hasPrefix("http://") || self.baseURL.hasPrefix("https://") else {
            throw invalid("base URL must start with http:// or https://, found '\(self.baseURL)'")
        }
        if let extra = self.extraParametersJSON {
            guard case .object? = try? JSONValue(parsing: extra) else {
                throw invalid("extra parameters must be a JSON object")
            }
        }
        for tool in self.tools {
            if let parameters = tool.parametersJSON, case .object? = try? JSONValue(parsing: parameters) {
                continue
            } else if tool.parametersJSON != nil {
                throw invalid("the parameters of tool '\(tool.name)' must be a JSON object (a JSON Schema)")
            }
        }
    }
}

/// A tool offered to the model.
public struct ToolDefinition: Sendable, Hashable {
    /// The function name the model calls the tool by; ``ToolInvocation/name`` carries it back.
    public var name: String
    /// What the tool does, for the model: sent as `function.description`, left out when `nil`.
    public var description: String?
    /// The JSON Schema of its parameters, as JSON text.
    public var parametersJSON: String?

    /// A tool named `name`.
    ///
    /// - Parameters:
    ///   - name: The function name the model calls it by.
    ///   - description: What the tool does, for the model; `nil` sends none.
    ///   - parametersJSON: The JSON Schema of its parameters as JSON text, sent exactly as given;
    ///     it must be a JSON object (checked when the engine is made); `nil` sends none.
    public init(name: String, description: String? = nil, parametersJSON: String? = nil) {
        self.name = name
        self.description = description
        self.parametersJSON = parametersJSON
    }
}
