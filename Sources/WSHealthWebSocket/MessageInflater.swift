import CZlib
package import NIOCore

/// Inflates permessage-deflate messages (RFC 7692 §7.2.2) with zlib, bounded in output.
///
/// One inflater serves every connection of an event loop: each message is inflated whole, in
/// one call, from zlib's state reset for it. A connection whose server keeps its context passes
/// its ``CompressionWindow``, given to zlib as the dictionary before the message and fed with
/// its output after; one whose server does not passes none. So zlib's state (7 KB, and 2^bits
/// of window) exists once per loop, allocated at the first compressed message.
package final class MessageInflater {
    /// The server's window, 2^bits bytes.
    package let windowBits: Int
    private var stream: UnsafeMutablePointer<z_stream>?
    /// The message and the four bytes RFC 7692 §7.2.2 has the sender remove, joined for zlib:
    /// kept from one message to the next, so a message costs a copy of its bytes but no
    /// allocation (a message's buffer is a slice of the read, with no room after it).
    private var input = ByteBuffer()
    /// The most `input` keeps between messages; a rare large message does not pin its size.
    private static let keptInputCapacity = 64 * 1024
    private static let syncFlushTail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    /// Creates an inflater for a server window of 2^`windowBits` bytes (8…15).
    package init(windowBits: Int) {
        self.windowBits = windowBits
    }

    deinit {
        if let stream = self.stream {
            inflateEnd(stream)
            stream.deallocate()
        }
    }

    /// The message `compressed` holds (its frames' payloads, joined), inflated: at most
    /// `limit` bytes. `window` is the connection's history with context takeover (nil without):
    /// the message may refer to it, and its output is added to it.
    ///
    /// - Throws: ``WebSocketViolation/messageTooLarge(limit:)`` as soon as the output would
    ///   pass `limit` (a decompression bomb costs at most `limit` bytes), or
    ///   ``WebSocketViolation/invalidCompressedData`` for bytes zlib cannot inflate.
    package func inflate(
        _ compressed: ByteBuffer,
        window: inout CompressionWindow?,
        limit: Int,
        allocator: ByteBufferAllocator
    ) throws(WebSocketViolation) -> ByteBuffer {
        let stream = try self.preparedStream()
        inflateReset(stream)
        window?.withRuns { older, newer in
            // Raw inflate takes a dictionary at any time; a second call appends to the first.
            Self.setDictionary(older, on: stream)
            Self.setDictionary(newer, on: stream)
        }
        var streamEnded = false
        // RFC 7692 §7.2.2: the sender removed the empty stored block that ends a sync flush.
        if self.input.capacity > Self.keptInputCapacity { self.input = ByteBuffer() }
        self.input.clear()
        self.input.writeImmutableBuffer(compressed)
        self.input.writeBytes(Self.syncFlushTail)
        let input = self.input
        var output = allocator.buffer(capacity: min(limit, max(256, compressed.readableBytes * 4)))
        var failure: WebSocketViolation?
        input.withUnsafeReadableBytes { input in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            )
            stream.pointee.avail_in = uInt(input.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            while true {
                if output.writableBytes == 0 {
                    guard output.writerIndex < limit else {
                        failure = .messageTooLarge(limit: limit)
                        return
                    }
                    output.reserveCapacity(minimumWritableBytes: min(limit - output.writerIndex, output.capacity))
                }
                // Never more room than the limit allows, whatever the buffer's capacity.
                let room = min(output.writableBytes, limit - output.writerIndex)
                var status: Int32 = Z_OK
                let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { out in
                    stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(room)
                    status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                    let produced = room - Int(stream.pointee.avail_out)
                    stream.pointee.next_out = nil
                    stream.pointee.avail_out = 0
                    return produced
                }
                switch status {
                case Z_STREAM_END:
                    // A final block (BFINAL) ends the DEFLATE stream: the next message starts a
                    // new one, with no history (RFC 7692 §7.2.3.4).
                    streamEnded = true
                    return
                case Z_OK, Z_BUF_ERROR:
                    if written == room && room > 0 {
                        // Output full: there may be more. Past the limit is too large.
                        if output.writerIndex >= limit {
                            if stream.pointee.avail_in == 0 && !self.hasPendingOutput(stream) { return }
                            failure = .messageTooLarge(limit: limit)
                            return
                        }
                        continue
                    }
                    if stream.pointee.avail_in == 0 || status == Z_BUF_ERROR { return }
                default:
                    failure = .invalidCompressedData
                    return
                }
            }
        }
        if let failure { throw failure }
        if streamEnded {
            window?.removeAll()
        } else {
            output.withUnsafeReadableBytes { window?.append($0) }
        }
        return output
    }

    private static func setDictionary(_ run: UnsafeRawBufferPointer, on stream: UnsafeMutablePointer<z_stream>) {
        guard let base = run.baseAddress, run.count > 0 else { return }
        _ = inflateSetDictionary(stream, base.assumingMemoryBound(to: Bytef.self), uInt(run.count))
    }

    /// Whether zlib holds output it could not write yet: one byte of room tells.
    private func hasPendingOutput(_ stream: UnsafeMutablePointer<z_stream>) -> Bool {
        var probe: UInt8 = 0
        return withUnsafeMutablePointer(to: &probe) { byte in
            stream.pointee.next_out = byte
            stream.pointee.avail_out = 1
            _ = CZlib.inflate(stream, Z_SYNC_FLUSH)
            defer {
                stream.pointee.next_out = nil
                stream.pointee.avail_out = 0
            }
            return stream.pointee.avail_out == 0
        }
    }

    /// The zlib stream, initialised on first use for raw deflate with the agreed window.
    private func preparedStream() throws(WebSocketViolation) -> UnsafeMutablePointer<z_stream> {
        if let stream = self.stream { return stream }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Negative bits: raw deflate, no zlib header (RFC 7692 §7.2.1).
        guard wshealth_inflateInit2(stream, -Int32(self.windowBits)) == Z_OK else {
            stream.deallocate()
            throw .invalidCompressedData
        }
        self.stream = stream
        return stream
    }
}
