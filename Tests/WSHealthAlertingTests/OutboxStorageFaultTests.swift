import Foundation
import Testing
import WSHealthAlerting

/// A disk that refuses writes after start-up (full, read-only, gone) loses no notification.
@Suite struct OutboxStorageFaultTests {
    /// The directory gives way to a file, so every write fails (ENOTDIR) as on a full disk: the
    /// notification is accepted in memory and reported; once the disk takes writes again, the
    /// next enqueue writes it first, and a restart finds both.
    @Test func aRefusedWriteKeepsTheNotificationUntilTheDiskTakesIt() throws {
        try withOutboxTemporaryDirectory { root in
            let directory = root.appendingPathComponent("hook")
            let outbox = try Outbox(directory: directory)
            try FileManager.default.removeItem(at: directory)
            try Data().write(to: directory)

            let refused = outbox.enqueue(outboxTestAlert("B"))
            #expect(refused.entry?.sequence == 1, "accepted all the same")
            #expect(refused.storageErrors.count == 1)
            #expect(refused.storageErrors.first?.path.hasPrefix(directory.path) == true)
            #expect(outbox.pending.map(\.sequence) == [1])
            #expect(outbox.unwrittenCount == 1)
            // Still full: the retry fails again, and the new one is kept too.
            let stillRefused = outbox.enqueue(outboxTestAlert("C"))
            #expect(stillRefused.storageErrors.count == 2)
            #expect(outbox.unwrittenCount == 2)

            try FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            let accepted = outbox.enqueue(outboxTestAlert("D"))
            #expect(accepted.storageErrors.isEmpty)
            #expect(outbox.unwrittenCount == 0)

            let reopened = try Outbox(directory: directory)
            #expect(reopened.pending.map { $0.alert.labels["alertname"] } == ["B", "C", "D"])
        }
    }

    /// Delivered while in memory only: removing it touches no file and leaves nothing behind.
    @Test func anUnwrittenNotificationIsDeliveredAndRemoved() throws {
        try withOutboxTemporaryDirectory { root in
            let directory = root.appendingPathComponent("hook")
            let outbox = try Outbox(directory: directory)
            try FileManager.default.removeItem(at: directory)
            try Data().write(to: directory)
            let entry = try #require(outbox.enqueue(outboxTestAlert("B")).entry)
            try FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            #expect(try outbox.remove([entry.sequence]) == [entry])
            #expect(outbox.unwrittenCount == 0)
            #expect(outbox.enqueue(outboxTestAlert("C")).storageErrors.isEmpty)
            #expect(try Outbox(directory: directory).pending.map(\.sequence) == [2])
        }
    }

    /// A storage path under a file cannot hold an outbox: opening it fails (the agent exits 1)
    /// and says why, not "Input/output error".
    @Test func anOutboxUnderAFileIsRefusedWithTheReason() throws {
        try withOutboxTemporaryDirectory { root in
            let file = root.appendingPathComponent("file")
            try Data().write(to: file)
            let error = #expect(throws: OutboxError.self) {
                try Outbox(directory: file.appendingPathComponent("alerting/outbox/hook"))
            }
            #expect(
                error?.description.hasSuffix("Not a directory (errno 20)") == true,
                "\(error.map(String.init(describing:)) ?? "")"
            )
        }
    }
}
