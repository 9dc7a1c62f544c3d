#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header's value (RFC 9110 §5.6.7, IMF-fixdate), formatted once a second.
struct HTTPDate {
    private var second = -1
    private var text = ""

    /// The current time as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    mutating func now() -> String {
        let second = time(nil)
        if second != self.second {
            self.second = second
            self.text = Self.format(second)
        }
        return self.text
    }

    /// `second` (seconds since the epoch) as an IMF-fixdate.
    static func format(_ second: Int) -> String {
        var seconds = time_t(second)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
    }
}
