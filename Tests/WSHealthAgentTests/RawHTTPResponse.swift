/// One HTTP/1.1 response as read off the wire.
struct RawHTTPResponse {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: String

    /// The complete responses, framed by `Content-Length`, at the start of `text` (what
    /// `RawExchange.send` returns for requests pipelined in one write).
    static func parse(_ text: String) -> [RawHTTPResponse] {
        let bytes = Array(text.utf8)
        var responses: [RawHTTPResponse] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while let end = rest.firstRange(of: separator) {
            let lines = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
            guard let statusLine = lines.first,
                let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
            else { break }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...].drop { $0 == " " })
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            guard rest.endIndex - end.upperBound >= length else { break }
            let bodyEnd = end.upperBound + length
            let body = String(decoding: rest[end.upperBound..<bodyEnd], as: UTF8.self)
            responses.append(RawHTTPResponse(status: status, headers: headers, body: body))
            rest = rest[bodyEnd...]
        }
        return responses
    }
}
