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
        let (descriptor, port) = try LoopbackSocket.bound(listening: false)
        self.descriptor = descriptor
        self.port = port
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

/// A 127.0.0.1 port that listens but never completes another connection while this value lives:
/// its accept queue (backlog 0) is already full with one connection of its own, so the kernel
/// drops every further SYN and a client's connect attempt waits until its own timeout.
package final class UnansweredPort: @unchecked Sendable {
    /// The port number.
    package let port: Int
    private let listener: Int32
    private let filler: Int32

    /// Listens on a free port of 127.0.0.1 with a backlog of 0 and fills the queue.
    package init() throws {
        let (listener, port) = try LoopbackSocket.bound(listening: true)
        let filler: Int32
        do {
            filler = try LoopbackSocket.tcp()
        } catch {
            close(listener)
            throw error
        }
        var address = LoopbackSocket.address(port: port)
        let connected = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let error = ClosedPortError(errno: errno)
            close(filler)
            close(listener)
            throw error
        }
        self.listener = listener
        self.filler = filler
        self.port = port
    }

    deinit {
        close(self.filler)
        close(self.listener)
    }
}

/// The TCP sockets on 127.0.0.1 that the port helpers above are made of.
private enum LoopbackSocket {
    static func tcp() throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ClosedPortError(errno: errno) }
        return descriptor
    }

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A socket bound to a free port of 127.0.0.1 (listening with a backlog of 0 if asked).
    static func bound(listening: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = try self.tcp()
        var address = self.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && (!listening || listen(descriptor, 0) == 0)
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard ready else {
            let error = ClosedPortError(errno: errno)
            close(descriptor)
            throw error
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
