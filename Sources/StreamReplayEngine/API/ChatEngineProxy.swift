public import Foundation

/// The HTTP proxies the engine goes through, the way curl and the official SDKs read them from
/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
///
/// An `https` endpoint goes through ``https`` with a `CONNECT` tunnel (TLS is end to end, the
/// proxy sees only the host and port); an `http` endpoint goes through ``http``, which gets the
/// request with its absolute URL. A host that matches ``noProxy`` is reached directly.
/// Credentials in a proxy URL (`http://user:secret@proxy:3128`) are sent as
/// `Proxy-Authorization: Basic …` and never logged.
///
/// ```swift
/// var configuration = ChatEngineConfiguration(baseURL: "https://api.openai.com/v1", model: "gpt-4o")
/// configuration.proxy = ChatEngineProxy.environment()  // nil when no proxy variable is set
/// ```
public struct ChatEngineProxy: Sendable, Hashable {
    /// One proxy server.
    public struct Server: Sendable, Hashable, CustomStringConvertible {
        /// The proxy's host name or address.
        public var host: String
        /// The proxy's port (80 when its URL gives none).
        public var port: Int
        /// `user:password` for `Proxy-Authorization: Basic`, percent-decoded; `nil` for none.
        var credentials: String?

        /// Reads a proxy URL: `http://host:port`, `host:port` (`http://` assumed), with optional
        /// `user:password@`; a missing port is 80.
        ///
        /// Fails (`nil`) when `url` names no host or uses a scheme other than `http` (a TLS
        /// connection to the proxy itself, `https://`, and SOCKS are not supported).
        ///
        /// - Parameter url: The proxy's URL, as in `HTTPS_PROXY`.
        public init?(url: String) {
            var text = url.trimmingCharacters(in: .whitespaces)
            if !text.contains("://") { text = "http://" + text }
            guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
                let host = components.host, !host.isEmpty
            else { return nil }
            self.host = host
            self.port = components.port ?? 80
            if let user = components.percentEncodedUser {
                let decodedUser = user.removingPercentEncoding ?? user
                let password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
                self.credentials = password.map { "\(decodedUser):\($0)" } ?? decodedUser
            }
        }

        /// `host:port`, without credentials.
        public var description: String { "\(self.host):\(self.port)" }

        /// The `Proxy-Authorization` header's value, when the URL had credentials.
        var authorization: String? {
            self.credentials.map { "Basic " + Data($0.utf8).base64EncodedString() }
        }
    }

    /// The proxy for `https` endpoints (`HTTPS_PROXY`).
    public var https: Server?
    /// The proxy for `http` endpoints (`HTTP_PROXY`).
    public var http: Server?
    /// `NO_PROXY`'s entries, lowercased: host names (a suffix match on whole labels, with or
    /// without a leading dot), IP addresses, optionally with `:port`; `*` matches every host.
    public var noProxy: [String]

    /// Proxies given by hand.
    ///
    /// - Parameters:
    ///   - https: The proxy for `https` endpoints.
    ///   - http: The proxy for `http` endpoints.
    ///   - noProxy: Hosts reached directly, as in `NO_PROXY`.
    public init(https: Server? = nil, http: Server? = nil, noProxy: [String] = []) {
        self.https = https
        self.http = http
        self.noProxy = noProxy.map { $0.lowercased() }
    }

    /// The proxies the environment names, or `nil` when it names none.
    ///
    /// Reads `HTTPS_PROXY` (or `https_proxy`), `HTTP_PROXY` (or `http_proxy`) and `NO_PROXY` (or
    /// `no_proxy`), upper case first; an empty value is unset. A value that is not an `http://`
    /// proxy URL is ignored.
    ///
    /// - Parameter environment: The variables; the process's by default.
    /// - Returns: The settings, or `nil` when neither proxy variable is set.
    public static func environment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ChatEngineProxy? {
        func value(_ name: String) -> String? {
            for key in [name.uppercased(), name.lowercased()] {
                if let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }
        let https = value("https_proxy").flatMap(Server.init(url:))
        let http = value("http_proxy").flatMap(Server.init(url:))
        guard https != nil || http != nil else { return nil }
        let noProxy = (value("no_proxy") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        return ChatEngineProxy(https: https, http: http, noProxy: noProxy)
    }

    /// The proxy for an endpoint, or `nil` to connect directly.
    ///
    /// - Parameters:
    ///   - scheme: `https` or `http`.
    ///   - host: The endpoint's host.
    ///   - port: The endpoint's port.
    /// - Returns: The proxy to go through.
    public func server(scheme: String, host: String, port: Int) -> Server? {
        guard let server = scheme.lowercased() == "https" ? self.https : self.http else { return nil }
        return self.bypasses(host: host, port: port) ? nil : server
    }

    /// Whether `NO_PROXY` says to reach `host` directly.
    func bypasses(host: String, port: Int) -> Bool {
        let host = Self.bare(host.lowercased())
        for entry in self.noProxy {
            if entry == "*" { return true }
            var name = entry
            var entryPort: Int?
            // `host:port`, `[v6]:port`; a bare IPv6 address has several colons and no port.
            if let colon = name.lastIndex(of: ":"), name.filter({ $0 == ":" }).count == 1 || name.hasPrefix("[") {
                if let value = Int(name[name.index(after: colon)...]) {
                    entryPort = value
                    name = String(name[..<colon])
                }
            }
            name = Self.bare(name)
            if let entryPort, entryPort != port { continue }
            if name.hasPrefix("*.") { name.removeFirst() }
            if name.hasPrefix(".") { name.removeFirst() }
            if name.isEmpty { continue }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }

    private static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
