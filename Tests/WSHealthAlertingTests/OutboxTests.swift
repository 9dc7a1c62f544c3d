import Foundation
import Testing
import WSHealthAlerting

@Suite struct OutboxTests {
    /// Entries survive a "restart" (a new outbox on the same directory): same entries, same
    /// order, and the sequence continues after the highest.
    @Test func roundTripAcrossRestart() throws {
        try withOutboxTemporaryDirectory { root in
            let directory = Outbox.directory(storagePath: root, receiver: "hook")
            let alerts = [outboxTestAlert("A"), outboxTestAlert("B"), outboxTestAlert("A").resolvedForOutboxTest()]
            var written: [OutboxEntry] = []
            do {
                let outbox = try Outbox(directory: directory)
                for (index, alert) in alerts.enumerated() {
                    let result = outbox.enqueue(
                        alert,
                        at: Date(timeIntervalSince1970: 5_000 + Double(index) + 0.123_456)
                    )
                    written.append(try #require(result.entry))
                }
                #expect(written.map(\.sequence) == [1, 2, 3])
            }
            let reopened = try Outbox(directory: directory)
            #expect(reopened.pending == written)
            #expect(reopened.pending.map(\.status) == [.firing, .firing, .resolved])
            #expect(reopened.loadReport == OutboxLoadReport(loaded: 3))
            let next = try #require(reopened.enqueue(outboxTestAlert("C")).entry)
            #expect(next.sequence == 4)
        }
    }

    /// The sequence continues after a restart even when every entry had been delivered.
    @Test func sequenceContinuesAfterTheOutboxWentEmpty() throws {
        try withOutboxTemporaryDirectory { root in
            let directory = root.appendingPathComponent("am")
            do {
                let outbox = try Outbox(directory: directory)
                outbox.enqueue(outboxTestAlert("A"))
                outbox.enqueue(outboxTestAlert("B"))
                try outbox.remove([1, 2])
                #expect(outbox.count == 0)
            }
            let reopened = try Outbox(directory: directory)
            #expect(reopened.pending.isEmpty)
            #expect(reopened.enqueue(outboxTestAlert("C")).entry?.sequence == 3)
        }
    }

    /// Removed entries stay removed after a restart; unknown sequences are ignored.
    @Test func removeIsDurable() throws {
        try withOutboxTemporaryDirectory { root in
            let outbox = try Outbox(directory: root)
            for name in ["A", "B", "C"] { outbox.enqueue(outboxTestAlert(name)) }
            let removed = try outbox.remove([2, 99])
            #expect(removed.map(\.sequence) == [2])
            #expect(try Outbox(directory: root).pending.map(\.sequence) == [1, 3])
        }
    }

    /// A notification whose (fingerprint, status) is already the latest pending one is a
    /// no-op; a change of status is not, and an alert that fires again after resolving queues
    /// again.
    @Test func duplicateFingerprintAndStatusIsIgnored() throws {
        try withOutboxTemporaryDirectory { root in
            let outbox = try Outbox(directory: root)
            let firing = outboxTestAlert("A")
            let first = try #require(outbox.enqueue(firing).entry)
            var again = firing
            again.annotations["summary"] = "re-derived after a restart"
            let duplicate = outbox.enqueue(again)
            #expect(duplicate.entry == nil)
            #expect(duplicate.duplicateOf == first)
            #expect(duplicate.dropped.isEmpty)
            #expect(outbox.enqueue(firing.resolvedForOutboxTest()).entry != nil)
            #expect(outbox.enqueue(firing.resolvedForOutboxTest(at: 2_500)).entry == nil)
            #expect(outbox.enqueue(outboxTestAlert("A", start: 3_000)).entry != nil)
            #expect(outbox.pending.map(\.status) == [.firing, .resolved, .firing])
            // The same holds across a restart.
            #expect(try Outbox(directory: root).enqueue(outboxTestAlert("A", start: 3_000)).entry == nil)
        }
    }

    /// When full, the oldest resolved notifications are dropped first, then the oldest
    /// firing, each drop reported; the files go too.
    @Test func capacityDropsResolvedFirstThenFiring() throws {
        try withOutboxTemporaryDirectory { root in
            let outbox = try Outbox(directory: root, capacity: 3)
            outbox.enqueue(outboxTestAlert("F1"))  // 1
            outbox.enqueue(outboxTestAlert("R1").resolvedForOutboxTest())  // 2
            outbox.enqueue(outboxTestAlert("R2").resolvedForOutboxTest())  // 3
            let fourth = outbox.enqueue(outboxTestAlert("F2"))  // 4: drops resolved 2
            #expect(fourth.entry?.sequence == 4)
            #expect(fourth.dropped.map(\.sequence) == [2])
            let fifth = outbox.enqueue(outboxTestAlert("F3"))  // 5: drops resolved 3
            #expect(fifth.dropped.map(\.sequence) == [3])
            let sixth = outbox.enqueue(outboxTestAlert("F4"))  // 6: no resolved left, drops firing 1
            #expect(sixth.dropped.map(\.sequence) == [1])
            #expect(outbox.pending.map(\.sequence) == [4, 5, 6])
            let reopened = try Outbox(directory: root, capacity: 3)
            #expect(reopened.pending.map(\.sequence) == [4, 5, 6])
            #expect(reopened.loadReport.dropped.isEmpty)
        }
    }

    /// A firing notification followed by its resolved one is dropped before any other: the
    /// resolved one carries what the receiver needs.
    @Test func capacityDropsSupersededNotificationsFirst() throws {
        try withOutboxTemporaryDirectory { root in
            let outbox = try Outbox(directory: root, capacity: 2)
            outbox.enqueue(outboxTestAlert("R").resolvedForOutboxTest())  // 1
            outbox.enqueue(outboxTestAlert("A"))  // 2
            let result = outbox.enqueue(outboxTestAlert("A").resolvedForOutboxTest())  // 3 supersedes 2
            #expect(result.dropped.map(\.sequence) == [2])
            #expect(outbox.pending.map(\.sequence) == [1, 3])
        }
    }

    /// A lowered capacity trims the outbox at load, by the same rule, and reports it.
    @Test func loweredCapacityTrimsAtLoad() throws {
        try withOutboxTemporaryDirectory { root in
            do {
                let outbox = try Outbox(directory: root)
                outbox.enqueue(outboxTestAlert("F1"))
                outbox.enqueue(outboxTestAlert("R1").resolvedForOutboxTest())
                outbox.enqueue(outboxTestAlert("F2"))
            }
            let reopened = try Outbox(directory: root, capacity: 2)
            #expect(reopened.loadReport.dropped.map(\.sequence) == [2])
            #expect(reopened.pending.map(\.sequence) == [1, 3])
        }
    }

    /// A corrupted, a truncated and a stray file are skipped, reported with a reason and
    /// moved aside; a leftover temporary file is deleted; the good entries load, and the
    /// sequence continues after the damaged ones.
    @Test func damagedFilesAreSkippedReportedAndMovedAside() throws {
        try withOutboxTemporaryDirectory { root in
            do {
                let outbox = try Outbox(directory: root)
                for name in ["A", "B", "C", "D"] { outbox.enqueue(outboxTestAlert(name)) }
            }
            let second = root.appendingPathComponent("00000000000000000002.json")
            let fourth = root.appendingPathComponent("00000000000000000004.json")
            try Data("{\"version\": 1, \"seq".utf8).write(to: second)
            let original = try Data(contentsOf: fourth)
            try original.prefix(original.count / 2).write(to: fourth)
            try Data("hello".utf8).write(to: root.appendingPathComponent("notes.txt"))
            try Data("partial".utf8).write(to: root.appendingPathComponent(".00000000000000000005.json.tmp"))

            let reopened = try Outbox(directory: root)
            #expect(reopened.pending.map(\.alert.labels["alertname"]) == ["A", "C"])
            let report = reopened.loadReport
            #expect(report.loaded == 2)
            #expect(report.incompleteWritesRemoved == 1)
            #expect(report.damaged.count == 3)
            #expect(
                report.damaged.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted() == [
                    "00000000000000000002.json", "00000000000000000004.json", "notes.txt",
                ]
            )
            #expect(report.damaged.allSatisfy { !$0.reason.isEmpty && $0.movedTo != nil })
            #expect(report.damaged.first { $0.path.hasSuffix("notes.txt") }?.reason == "unexpected file name")
            let damagedDirectory = root.appendingPathComponent("damaged")
            #expect(try FileManager.default.contentsOfDirectory(atPath: damagedDirectory.path).count == 3)
            #expect(!FileManager.default.fileExists(atPath: second.path))
            #expect(reopened.enqueue(outboxTestAlert("E")).entry?.sequence == 5)
            // Moved aside, they are not reported again.
            #expect(try Outbox(directory: root).loadReport.damaged.isEmpty)
        }
    }

    /// An entry whose contents contradict its name or its alert is damaged too.
    @Test func inconsistentEntryIsDamaged() throws {
        try withOutboxTemporaryDirectory { root in
            do {
                let outbox = try Outbox(directory: root)
                outbox.enqueue(outboxTestAlert("A"))
                outbox.enqueue(outboxTestAlert("B"))
            }
            let first = root.appendingPathComponent("00000000000000000001.json")
            let second = root.appendingPathComponent("00000000000000000002.json")
            // Entry 1 claims to be entry 2; entry 2 gets a label its fingerprint does not cover.
            try FileManager.default.removeItem(at: first)
            try FileManager.default.copyItem(at: second, to: first)
            let text = try String(contentsOf: second, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"alertname\":\"B\"", with: "\"alertname\":\"X\"").utf8)
                .write(to: second)
            let reopened = try Outbox(directory: root)
            #expect(reopened.pending.isEmpty)
            let reasons = reopened.loadReport.damaged.sorted { $0.path < $1.path }.map(\.reason)
            #expect(reasons.count == 2)
            #expect(reasons.first?.contains("sequence 2 inside, 1 in the file name") == true)
            #expect(reasons.last?.contains("fingerprint") == true)
        }
    }

    /// Receiver names become safe, distinct directory names.
    @Test func receiverDirectoryNames() {
        #expect(Outbox.directoryName(forReceiver: "am") == "am")
        #expect(Outbox.directoryName(forReceiver: "team/ops") == "team%2Fops")
        #expect(Outbox.directoryName(forReceiver: "..") == "%2E.")
        #expect(Outbox.directoryName(forReceiver: "a.b_c-1") == "a.b_c-1")
        #expect(Outbox.directoryName(forReceiver: "é") == "%C3%A9")
        let root = URL(fileURLWithPath: "/var/lib/wshealth")
        #expect(Outbox.directory(storagePath: root, receiver: "hook").path == "/var/lib/wshealth/alerting/outbox/hook")
    }
}
