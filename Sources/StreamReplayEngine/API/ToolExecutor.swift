/// Runs the tools the model calls. The engine calls it sequentially, in call order, and only with
/// arguments that are a JSON object.
public protocol ToolExecutor: Sendable {
    /// Runs one call.
    ///
    /// The calls of one turn come one at a time; turns of different conversations call it
    /// concurrently, so an executor shared by them must be safe to call from several tasks.
    ///
    /// - Parameter call: The call: the tool's name, the call id, the arguments, and the turn it
    ///   belongs to.
    /// - Returns: The tool's output, sent back to the model and persisted as the `tool_result`.
    /// - Throws: Anything; the result becomes `Tool execution failed: {reason}` (the error's description).
    func execute(_ call: ToolInvocation) async throws -> String
}

/// One tool call as the executor receives it.
public struct ToolInvocation: Sendable, Hashable {
    /// The tool's name as the model sent it; it may name no tool of ``ChatEngineConfiguration/tools``
    /// (throw ``UnknownToolError`` then).
    public var name: String
    /// The call id (the provider's, or `call_{request_id}_{hop}_{position}` when it sent none).
    public var id: String
    /// The arguments: a JSON object, as compact JSON text (`{}` for empty arguments).
    public var argumentsJSON: String
    /// The conversation of the turn that made the call.
    public var conversationID: String
    /// The request id of the turn that made the call.
    public var requestID: String
    /// The hop whose answer made the call: 0 for the first request, n after n rounds of tool calls.
    public var hop: Int

    /// Creates an invocation, such as one to test an executor with.
    ///
    /// - Parameters:
    ///   - name: The tool's name.
    ///   - id: The call id.
    ///   - argumentsJSON: The arguments: a JSON object, as JSON text.
    ///   - conversationID: The conversation of the turn.
    ///   - requestID: The turn's request id.
    ///   - hop: The hop whose answer made the call.
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
///
/// The engine does not check names against ``ChatEngineConfiguration/tools``: an executor throws
/// this for a name it does not run, and the result becomes `Tool execution failed: unknown tool 'NAME'`.
public struct UnknownToolError: Error, Sendable, CustomStringConvertible {
    /// The name the model called.
    public var name: String

    /// An error for the tool named `name`.
    ///
    /// - Parameter name: The name the model called.
    public init(name: String) {
        self.name = name
    }

    /// `unknown tool 'NAME'`.
    public var description: String { "unknown tool '\(self.name)'" }
}
