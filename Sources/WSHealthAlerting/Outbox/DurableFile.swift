import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file operations: after `replace` returns, the file is on disk whole, and after a
/// crash at any point it is either the old file or the new one, never a torn mix.
///
/// The recipe is the classic one: write a temporary file in the same directory, `fsync` it,
/// `rename` it over the target (atomic in POSIX), then `fsync` the directory so the rename
/// itself survives a power cut. Removals `fsync` the directory too, so a delivered
/// notification does not come back after a crash.
enum DurableFile {
    /// The prefix and suffix of temporary files; a leftover one is a write that never completed.
    static let temporaryPrefix = "."
    static let temporarySuffix = ".tmp"

    /// Whether `name` is one of our temporary files.
    static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(Self.temporaryPrefix) && name.hasSuffix(Self.temporarySuffix)
    }

    /// Atomically replaces (or creates) `file` with `data`, durably.
    static func replace(_ file: URL, with data: Data) throws(OutboxError) {
        let directory = file.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            Self.temporaryPrefix + file.lastPathComponent + Self.temporarySuffix
        )
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system("open", path: temporary.path, errno: errno) }
        do throws(OutboxError) {
            try Self.writeAll(data, to: descriptor, path: temporary.path)
            guard fsync(descriptor) == 0 else { throw OutboxError.system("fsync", path: temporary.path, errno: errno) }
        } catch {
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let failure = errno
            unlink(temporary.path)
            throw .system("close", path: temporary.path, errno: failure)
        }
        guard rename(temporary.path, file.path) == 0 else {
            let failure = errno
            unlink(temporary.path)
            throw .system("rename", path: file.path, errno: failure)
        }
        try Self.synchronizeDirectory(directory)
    }

    /// Throws unless a file can be created in `directory` (an empty one, created and removed:
    /// a full disk still passes).
    static func checkWritable(_ directory: URL) throws(OutboxError) {
        let probe = directory.appendingPathComponent(Self.temporaryPrefix + "writable" + Self.temporarySuffix)
        let descriptor = open(probe.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system("open", path: probe.path, errno: errno) }
        close(descriptor)
        unlink(probe.path)
    }

    /// Removes `file` if it exists; the caller synchronizes the directory afterwards.
    static func remove(_ file: URL) throws(OutboxError) {
        guard unlink(file.path) == 0 || errno == ENOENT else { throw .system("unlink", path: file.path, errno: errno) }
    }

    /// Moves `file` to `destination` (same file system); the caller synchronizes both directories.
    static func move(_ file: URL, to destination: URL) throws(OutboxError) {
        guard rename(file.path, destination.path) == 0 else { throw .system("rename", path: file.path, errno: errno) }
    }

    /// Creates `directory` (and its parents) if needed, and makes its entry in its parent durable.
    static func createDirectory(_ directory: URL) throws(OutboxError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        // Foundation reports a file where a directory should be without a POSIX code: name it.
        var ancestor = directory
        while ancestor.path != "/" {
            if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { throw .system("mkdir", path: directory.path, errno: ENOTDIR) }
                break
            }
            ancestor = ancestor.deletingLastPathComponent()
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .system("mkdir", path: directory.path, errno: Self.posixCode(of: error) ?? EIO)
        }
        try Self.synchronizeDirectory(directory.deletingLastPathComponent())
    }

    /// `fsync` on a directory: makes the creations, renames and removals in it durable.
    static func synchronizeDirectory(_ directory: URL) throws(OutboxError) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system("open", path: directory.path, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .system("fsync", path: directory.path, errno: errno) }
    }

    /// `strerror`, as a Swift string.
    static func message(forErrno number: Int32) -> String {
        guard let message = strerror(number) else { return "error \(number)" }
        return String(cString: message)
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws(OutboxError) {
        let failure: Int32? = data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .system("write", path: path, errno: failure) }
    }

    private static func posixCode(of error: any Error) -> Int32? {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return nil
    }
}

extension DurableFile {
    /// Moves a damaged `file` into `damagedDirectory` under a name not yet taken there;
    /// returns the new path, or nil if it could not be moved.
    static func moveAside(_ file: URL, into damagedDirectory: URL) -> String? {
        do {
            try Self.createDirectory(damagedDirectory)
            var destination = damagedDirectory.appendingPathComponent(file.lastPathComponent)
            var suffix = 1
            while FileManager.default.fileExists(atPath: destination.path) {
                destination = damagedDirectory.appendingPathComponent("\(file.lastPathComponent).\(suffix)")
                suffix += 1
            }
            try Self.move(file, to: destination)
            try Self.synchronizeDirectory(damagedDirectory)
            return destination.path
        } catch {
            return nil
        }
    }
}
