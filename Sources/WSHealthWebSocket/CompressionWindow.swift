/// The server's LZ77 window as a client keeps it between compressed messages (context
/// takeover, RFC 7692 §7.2.2): the last 2^bits bytes the server's messages inflated to.
///
/// Kept here rather than in zlib's own state, so a connection holds only the history it has
/// (a quiet one, a few hundred bytes; a busy one, the whole window), and zlib's 7 KB of
/// inflate state is shared by every connection of an event loop: before each message the
/// window is handed back to zlib as its dictionary. A ring: appending a message copies only
/// the message.
package struct CompressionWindow {
    /// The largest window, 2^bits bytes.
    package let capacity: Int
    private var bytes: [UInt8] = []
    /// Where the oldest byte is, once the ring is full.
    private var start = 0

    /// An empty window of at most 2^`bits` bytes.
    package init(bits: Int) {
        self.capacity = 1 << bits
    }

    /// How much history the window holds.
    package var count: Int { self.bytes.count }

    /// Forgets the history: a new DEFLATE stream starts (after a final block).
    package mutating func removeAll() {
        self.bytes = []
        self.start = 0
    }

    /// Appends a message's inflated bytes, dropping the oldest beyond the capacity.
    package mutating func append(_ message: UnsafeRawBufferPointer) {
        let tail =
            message.count > self.capacity ? UnsafeRawBufferPointer(rebasing: message.suffix(self.capacity)) : message
        if self.bytes.count < self.capacity {
            let fits = min(tail.count, self.capacity - self.bytes.count)
            if self.bytes.capacity < self.bytes.count + fits {
                // Grow in steps, never past the window: a quiet connection stays small.
                self.bytes.reserveCapacity(min(self.capacity, max(self.bytes.count * 2, self.bytes.count + fits, 256)))
            }
            self.bytes.append(contentsOf: tail.prefix(fits))
            guard fits < tail.count else { return }
            self.overwrite(with: UnsafeRawBufferPointer(rebasing: tail[fits...]))
        } else {
            self.overwrite(with: tail)
        }
    }

    /// Writes over the oldest bytes of a full ring.
    private mutating func overwrite(with bytes: UnsafeRawBufferPointer) {
        self.bytes.withUnsafeMutableBytes { ring in
            var written = 0
            while written < bytes.count {
                let run = min(bytes.count - written, ring.count - self.start)
                ring.baseAddress!.advanced(by: self.start).copyMemory(
                    from: bytes.baseAddress!.advanced(by: written),
                    byteCount: run
                )
                written += run
                self.start = (self.start + run) % ring.count
            }
        }
    }

    /// The history, oldest first, as at most two contiguous runs.
    package func withRuns<Result>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Result) -> Result {
        self.bytes.withUnsafeBytes { ring in
            body(
                UnsafeRawBufferPointer(rebasing: ring[self.start...]),
                UnsafeRawBufferPointer(rebasing: ring[..<self.start])
            )
        }
    }
}
