import CZlib
package import NIOCore

/// Compresses messages for permessage-deflate (RFC 7692 §7.2.1): a sync flush per message,
/// its final empty block removed. The reference backend's side of compression.
package final class MessageDeflater {
    /// Whether the window carries over from message to message (context takeover).
    package let contextTakeover: Bool
    private let stream: UnsafeMutablePointer<z_stream>

    /// Creates a deflater writing a window of 2^`windowBits` bytes (9…15; zlib's raw deflate
    /// has no 8) with zlib's `memLevel` (1…9): the memory of its state is about
    /// 2^(windowBits + 2) + 2^(memLevel + 9) bytes.
    package init?(windowBits: Int, memoryLevel: Int, contextTakeover: Bool) {
        self.contextTakeover = contextTakeover
        self.stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
        let level = Z_DEFAULT_COMPRESSION
        guard wshealth_deflateInit2(self.stream, level, -Int32(windowBits), Int32(memoryLevel)) == Z_OK else {
            self.stream.deallocate()
            return nil
        }
    }

    deinit {
        deflateEnd(self.stream)
        self.stream.deallocate()
    }

    /// `message` compressed, ready to be a frame's payload with RSV1 set.
    package func deflate(_ message: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        let stream = self.stream
        var output = allocator.buffer(capacity: Int(deflateBound(stream, uLong(message.readableBytes))) + 16)
        message.withUnsafeReadableBytes { input in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            )
            stream.pointee.avail_in = uInt(input.count)
            repeat {
                if output.writableBytes < 64 { output.reserveCapacity(minimumWritableBytes: output.capacity) }
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { out in
                    stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(out.count)
                    _ = CZlib.deflate(stream, Z_SYNC_FLUSH)
                    return out.count - Int(stream.pointee.avail_out)
                }
            } while stream.pointee.avail_out == 0
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            stream.pointee.avail_out = 0
        }
        // The sync flush ends with an empty stored block, 00 00 FF FF, which the receiver adds back.
        output.moveWriterIndex(to: output.writerIndex - 4)
        if !self.contextTakeover { deflateReset(stream) }
        return output
    }
}
