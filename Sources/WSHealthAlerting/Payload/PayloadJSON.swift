import Foundation

/// The JSON encoding every payload shares.
enum PayloadJSON {
    /// Encodes `value` with sorted keys (a payload is the same bytes each time it is built, as Go
    /// writes maps) and slashes unescaped (URLs stay readable in logs and receivers).
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and dictionaries of strings only: nothing here can fail to encode.
        return try! encoder.encode(value)
    }
}
