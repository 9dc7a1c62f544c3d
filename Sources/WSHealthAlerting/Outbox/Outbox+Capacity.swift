extension Outbox {
    /// The `count` entries to drop from `entries` (in sequence order) to keep the capacity,
    /// returned in sequence order. The least useful go first:
    ///
    /// 1. superseded notifications, oldest first: a later notification of the same alert is
    ///    pending and carries what the receiver must end up knowing (a resolved alert carries
    ///    its `startsAt` too), so only history is lost;
    /// 2. then resolved notifications, oldest first;
    /// 3. then firing notifications, oldest first.
    ///
    /// The rule is 2 then 3; step 1 is added because dropping a resolved notification
    /// while its firing one stays would leave a webhook receiver believing the alert fires
    /// forever, where dropping the superseded firing one loses nothing it needs.
    static func evictionVictims(in entries: [OutboxEntry], count: Int) -> [OutboxEntry] {
        guard count > 0 else { return [] }
        var latestOfFingerprint: [String: UInt64] = [:]
        for entry in entries {
            latestOfFingerprint[entry.fingerprint] = entry.sequence
        }
        let tiers: [(OutboxEntry) -> Bool] = [
            { latestOfFingerprint[$0.fingerprint] != $0.sequence },
            { $0.status == .resolved },
            { $0.status == .firing },
        ]
        var victims: Set<UInt64> = []
        for tier in tiers {
            for entry in entries where victims.count < count && !victims.contains(entry.sequence) && tier(entry) {
                victims.insert(entry.sequence)
            }
        }
        return entries.filter { victims.contains($0.sequence) }
    }
}
