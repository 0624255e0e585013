/// Runs the tools the model calls. The engine calls it sequentially, in call order, and only with
/// arguments that are a JSON object.
public protocol ToolExecutor: Sendable {
    /// Runs one call.
    ///
    /// - Returns: The tool's output, sent back to the model and persisted as the `tool_result`.
    /// - Throws: Anything; the result becomes `Tool execution failed: {reason}` (the error's description).
    func execute(_ call: ToolInvocation) async throws -> String
}

/// One tool call as the executor receives it.
public struct ToolInvocation: Sendable, Hashable {
    public var name: String
    /// The call id (the provider's, or `call_{request_id}_{hop}_{position}` when it sent none).
    public var id: String
    /// The arguments: a JSON object, as compact JSON text (`{}` for empty arguments).
    public var argumentsJSON: String
    public var conversationID: String
    public var requestID: String
    public var hop: Int

    public init(name: String, id: String, argumentsJSON: String, conversationID: String, requestID: String, hop: Int) {
        self.name = name
        self.id = id
        self.argumentsJSON = argumentsJSON
        self.conversationID = conversationID
        self.requestID = requestID
        self.hop = hop
    }
}

/// The error a tool throws to say it does not exist; its description is the failure reason.
public struct UnknownToolError: Error, Sendable, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String { "unknown tool '\(self.name)'" }
}
