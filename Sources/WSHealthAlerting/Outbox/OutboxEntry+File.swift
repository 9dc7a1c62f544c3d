import Foundation

/// The file of one entry: `<sequence, 20 digits>.json`, so that a directory listing sorts by
/// sequence, holding this envelope as JSON.
///
/// Dates are Foundation's default encoding (seconds since 2001-01-01 as a double), which
/// round-trips a `Date` exactly. `status` and `fingerprint` are redundant with the alert; they
/// are kept for whoever reads the file, and checked at load as a cheap integrity test.
struct OutboxEntryFile: Codable {
    /// The only format written so far.
    static let currentVersion = 1

    var version: Int
    var sequence: UInt64
    var enqueuedAt: Date
    var status: AlertStatus
    var fingerprint: String
    var alert: Alert

    init(_ entry: OutboxEntry) {
        self.version = Self.currentVersion
        self.sequence = entry.sequence
        self.enqueuedAt = entry.enqueuedAt
        self.status = entry.status
        self.fingerprint = entry.fingerprint
        self.alert = entry.alert
    }

    /// The file name of the entry numbered `sequence`.
    static func fileName(forSequence sequence: UInt64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    /// The sequence in an entry's file name, or nil if `name` is not an entry's name.
    static func sequence(inFileName name: String) -> UInt64? {
        guard name.hasSuffix(".json") else { return nil }
        let stem = name.dropLast(5)
        guard stem.count == 20, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(stem)
    }

    /// The encoded file contents.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Decodes and checks a file named for `expectedSequence`; throws a readable reason.
    static func decode(_ data: Data, expectedSequence: UInt64) throws(OutboxEntryDamage) -> OutboxEntry {
        let file: OutboxEntryFile
        do {
            file = try JSONDecoder().decode(OutboxEntryFile.self, from: data)
        } catch {
            throw OutboxEntryDamage(reason: "not a valid entry: \(Self.summary(of: error))")
        }
        guard file.version == Self.currentVersion else {
            throw OutboxEntryDamage(reason: "unsupported format version \(file.version)")
        }
        guard file.sequence == expectedSequence else {
            throw OutboxEntryDamage(reason: "sequence \(file.sequence) inside, \(expectedSequence) in the file name")
        }
        let entry = OutboxEntry(sequence: file.sequence, enqueuedAt: file.enqueuedAt, alert: file.alert)
        guard entry.fingerprint == file.fingerprint, entry.status == file.status else {
            throw OutboxEntryDamage(reason: "fingerprint or status does not match the alert's labels and end")
        }
        return entry
    }

    /// A one-line account of a decoding failure.
    static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .dataCorrupted(let context):
            return Self.describe(context, fallback: "corrupted data")
        case .keyNotFound(let key, let context):
            return "missing key \(Self.path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return Self.describe(context, fallback: "wrong type")
        @unknown default:
            return String(describing: error)
        }
    }

    private static func describe(_ context: DecodingError.Context, fallback: String) -> String {
        let message = context.debugDescription.isEmpty ? fallback : context.debugDescription
        return context.codingPath.isEmpty ? message : "\(Self.path(context.codingPath)): \(message)"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// Why a file in an outbox is not a usable entry.
struct OutboxEntryDamage: Error {
    var reason: String
}
