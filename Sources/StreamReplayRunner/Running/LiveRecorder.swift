import NIOCore
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario
import Synchronization

/// In live mode, what the engine sent and received: request bodies (checked like the fake checks
/// them) and each response's raw body (for the wire validator).
package final class LiveRecorder: ChatEngineObserver {
    /// One response as received.
    package struct Response: Sendable {
        package var hop: Int
        package var status: Int
        package var contentType: String?
        package var body: [UInt8]
    }

    private struct State {
        var requests: [RecordedRequest] = []
        var responses: [Response] = []
        var open: [String: Int] = [:]
        /// The newest request of each (conversation, request id, hop) still waiting for its head.
        var pending: [String: Int] = [:]
    }

    private let state = Mutex(State())

    var requests: [RecordedRequest] { self.state.withLock { $0.requests } }
    var responses: [Response] { self.state.withLock { $0.responses } }

    func engineWillSend(requestBody: String, conversationID: String, requestID: String, hop: Int) {
        self.state.withLock { state in
            let body = try? ScenarioValue.parseJSON(Array(requestBody.utf8))
            var request = RecordedRequest(
                number: state.requests.count + 1,
                method: "POST",
                path: "/chat/completions",
                headers: [],
                body: body
            )
            request.rejection = ConversationValidator.problem(in: body)?.message
            // The provider's status once its response head arrives; 0 while there is none (a
            // connection that failed before any answer).
            request.status = 0
            state.requests.append(request)
            state.pending[Self.key(conversationID, requestID, hop)] = state.requests.count - 1
        }
    }

    func engineConsumed(bytes: Int, of response: ObservedResponse) {
        guard bytes == 0 else { return }
        self.state.withLock { state in
            if let index = state.pending.removeValue(
                forKey: Self.key(response.conversationID, response.requestID, response.hop)
            ) {
                state.requests[index].status = response.status
            }
            state.open[Self.key(response)] = state.responses.count
            state.responses.append(
                Response(hop: response.hop, status: response.status, contentType: response.contentType, body: [])
            )
        }
    }

    func engineReceived(_ bytes: ByteBuffer, of response: ObservedResponse) {
        self.state.withLock { state in
            guard let index = state.open[Self.key(response)] else { return }
            state.responses[index].body.append(contentsOf: bytes.readableBytesView)
        }
    }

    private static func key(_ conversationID: String, _ requestID: String, _ hop: Int) -> String {
        "\(conversationID)\u{0}\(requestID)\u{0}\(hop)"
    }

    private static func key(_ response: ObservedResponse) -> String {
        "\(response.conversationID)\u{0}\(response.requestID)\u{0}\(response.hop)\u{0}\(response.attempt)"
    }
}
