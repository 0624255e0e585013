#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A 127.0.0.1 port where a connection is refused, and stays refused while this value lives: a
/// TCP socket bound to it that never listens. (A port merely found free can be taken at once by
/// a server of another test running in parallel, which would then answer instead of refusing.)
package final class ClosedPort: @unchecked Sendable {
    /// The port number.
    package let port: Int
    private let descriptor: Int32

    /// Binds a socket to a free port of 127.0.0.1 without listening on it.
    package init() throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ClosedPortError(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let error = ClosedPortError(errno: errno)
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(self.descriptor)
    }
}

/// The socket for a ``ClosedPort`` could not be made.
package struct ClosedPortError: Error {
    /// The system's error number.
    package var errno: Int32
}
