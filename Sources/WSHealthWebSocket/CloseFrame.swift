package import NIOCore

/// The payload of a close frame (RFC 6455 §5.5.1): an optional status code, then a UTF-8 reason.
package enum CloseFrame {
    /// The status code of a valid close payload, nil when it has none.
    ///
    /// - Throws: The violation that obliges the client to fail the connection instead of
    ///   echoing the close: one byte of payload, a code no endpoint may send (§7.4.1, §7.4.2),
    ///   or a reason that is not UTF-8.
    package static func code(of payload: ByteBuffer) throws(WebSocketViolation) -> UInt16? {
        var payload = payload
        guard payload.readableBytes > 0 else { return nil }
        guard let code = payload.readInteger(as: UInt16.self) else { throw .truncatedCloseCode }
        guard Self.mayBeSent(code) else { throw .invalidCloseCode(code) }
        guard UTF8Validator.isValid(payload.readableBytesView) else { throw .invalidUTF8 }
        return code
    }

    /// The reason of a close payload whose ``code(of:)`` was valid: the bytes after the code.
    package static func reason(of payload: ByteBuffer) -> String {
        payload.getString(at: payload.readerIndex + 2, length: max(0, payload.readableBytes - 2)) ?? ""
    }

    /// Whether an endpoint may put `code` in a close frame: the codes RFC 6455 defines for use
    /// on the wire, those registered with IANA since (1012–1014, which browsers accept), and
    /// the ranges for libraries and applications (3000–4999). 1004–1006 and 1015 are reserved
    /// or only for reporting, never sent.
    package static func mayBeSent(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
