import Foundation

/// `curl -sN` reading one streamed answer to its end: the ceiling of what a client reads from a
/// server, and the warm-up that makes the fake build (and cache) an answer's playback plan.
public struct Curl: Sendable {
    /// The curl binary.
    public let path: String

    /// `{"model","stream":true,"messages":[user]}`: what curl and the load clients send.
    public static let requestBody = #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"go"}]}"#

    /// The curl on PATH, if any.
    public init?() {
        guard let path = which("curl") else { return nil }
        self.path = path
    }

    /// POSTs ``requestBody`` to `url` and reads the body to the end into /dev/null. Returns its
    /// size and curl's own time for the transfer (`time_total`, so the launch of curl is not in it).
    public func read(_ url: String) async throws -> (bytes: Int, seconds: Double) {
        let result = try await runProcess(
            self.path,
            [
                "-sN", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", "-X", "POST",
                "-H", "content-type: application/json", "--data-binary", Self.requestBody, url,
            ]
        )
        let fields = result.stdout.split(separator: " ")
        guard result.status == 0, fields.count == 2, let bytes = Int(fields[0]), let seconds = Double(fields[1]) else {
            throw BenchError("curl \(url) failed (exit \(result.status)): \(result.stdout)\(result.stderr)")
        }
        return (bytes, seconds)
    }
}
