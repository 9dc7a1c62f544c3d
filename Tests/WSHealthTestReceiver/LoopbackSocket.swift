import Foundation

/// A TCP socket bound to a free port of 127.0.0.1, listening if asked; the caller closes it.
/// Bound and not listening, it makes a port whose connections are refused and that no other
/// socket of the machine is given while it stays open.
public func boundLoopbackSocket(listening: Bool) throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddr in
            bind(fd, sockaddr, length) == 0 && getsockname(fd, sockaddr, &length) == 0
        }
    }
    guard bound, !listening || listen(fd, 8) == 0 else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// A port of 127.0.0.1 that refuses connections for as long as the test process runs: its
/// socket is bound, never listens and is never closed, so a server of a test running in
/// parallel cannot be given it. A few descriptors for a whole run.
public func refusingLoopbackPort() throws -> Int {
    try boundLoopbackSocket(listening: false).port
}
