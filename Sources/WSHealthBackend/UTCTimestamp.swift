#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 UTC timestamps with second precision, as the spec's messages carry them.
enum UTCTimestamp {
    /// The current wall-clock time, e.g. `2026-11-26T16:51:09Z`.
    static func now() -> String {
        self.format(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }

    /// `secondsSinceEpoch` as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian calendar).
    static func format(secondsSinceEpoch: Int64) -> String {
        let days = secondsSinceEpoch.floorDivided(by: 86_400)
        let secondsOfDay = secondsSinceEpoch - days * 86_400
        // Howard Hinnant's civil_from_days: days since 1970-01-01 to (year, month, day).
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(self.pad(year, 4))-\(self.pad(month, 2))-\(self.pad(day, 2))T"
            + "\(self.pad(secondsOfDay / 3_600, 2)):\(self.pad(secondsOfDay % 3_600 / 60, 2)):"
            + "\(self.pad(secondsOfDay % 60, 2))Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
