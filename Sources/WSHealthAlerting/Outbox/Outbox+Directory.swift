package import Foundation

extension Outbox {
    /// The directory of `receiver`'s outbox under the agent's `--storage.path`:
    /// `<storagePath>/alerting/outbox/<receiver>/`, the name escaped by
    /// ``directoryName(forReceiver:)``.
    package static func directory(storagePath: URL, receiver: String) -> URL {
        storagePath
            .appendingPathComponent("alerting", isDirectory: true)
            .appendingPathComponent("outbox", isDirectory: true)
            .appendingPathComponent(Self.directoryName(forReceiver: receiver), isDirectory: true)
    }

    /// A receiver name as a directory name, one to one: ASCII letters, digits, `-` and `_`
    /// stay, and so does `.` except in first place; every other byte of the UTF-8 becomes
    /// `%XX`. So `am`, `team/ops` and `..` map to `am`, `team%2Fops` and `%2E.`; the empty
    /// name maps to `%`.
    package static func directoryName(forReceiver receiver: String) -> String {
        guard !receiver.isEmpty else { return "%" }
        var name = ""
        for (index, byte) in receiver.utf8.enumerated() {
            let kept =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || (byte == 0x2E && index > 0)
            if kept {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                name += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return name
    }
}
