import NIOCore
import NIOPosix

/// One HTTP/1.1 response as read off the wire.
struct RawHTTPResponse {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: String
}

/// Writes `request` (raw bytes: several requests make a pipeline) on one new connection to
/// 127.0.0.1:`port`, then reads responses (framed by `Content-Length`) until the server closes
/// the connection or `count` have arrived. Returns them and whether the server closed.
func rawHTTPExchange(
    port: Int,
    request: String,
    responses count: Int,
    timeout: Duration = .seconds(10)
) async throws -> (responses: [RawHTTPResponse], closed: Bool) {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        try await channel.channel.close()
    }
    defer { watchdog.cancel() }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request))
        var received: [UInt8] = []
        for try await chunk in inbound {
            received += chunk.readableBytesView
            let parsed = parseResponses(received)
            if parsed.count >= count { return (parsed, false) }
        }
        return (parseResponses(received), true)
    }
}

/// The complete responses at the start of `bytes`.
private func parseResponses(_ bytes: [UInt8]) -> [RawHTTPResponse] {
    var responses: [RawHTTPResponse] = []
    var rest = bytes[...]
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    while let end = rest.firstRange(of: separator) {
        let lines = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { break }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...].drop { $0 == " " })
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard rest.endIndex - end.upperBound >= length else { break }
        let bodyEnd = end.upperBound + length
        responses.append(
            RawHTTPResponse(
                status: status,
                headers: headers,
                body: String(decoding: rest[end.upperBound..<bodyEnd], as: UTF8.self)
            )
        )
        rest = rest[bodyEnd...]
    }
    return responses
}
