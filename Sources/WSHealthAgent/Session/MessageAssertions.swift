import Foundation
import NIOCore
import WSHealthConfig

/// Checks `expect.assertions` on a data message, reading only the values they point at.
enum MessageAssertions {
    /// The first of `assertions` that `message` fails, if any.
    static func firstFailure(_ message: ByteBuffer, _ assertions: [AssertionConfiguration]) -> AssertionConfiguration? {
        message.withUnsafeReadableBytes { bytes in
            assertions.first { !self.holds($0, in: bytes) }
        }
    }

    static func holds(_ assertion: AssertionConfiguration, in bytes: UnsafeRawBufferPointer) -> Bool {
        let value = JSONPointerReader.value(at: assertion.pointer, in: bytes)
        guard assertion.exists else { return value == nil }
        guard let value else { return false }
        if let type = assertion.type, type != self.type(of: value) { return false }
        if let expected = assertion.equals, !self.value(value, in: bytes, equals: expected) { return false }
        if assertion.min != nil || assertion.max != nil {
            guard let number = self.number(value, in: bytes) else { return false }
            if let low = assertion.min, number < low { return false }
            if let high = assertion.max, number > high { return false }
        }
        return true
    }

    private static func type(of value: JSONPointerReader.Value) -> AssertionConfiguration.ValueType {
        switch value {
        case .number: .number
        case .string: .string
        case .bool: .boolean
        case .null: .null
        case .object: .object
        case .array: .array
        }
    }

    private static func number(_ value: JSONPointerReader.Value, in bytes: UnsafeRawBufferPointer) -> Double? {
        guard case .number(let range) = value else { return nil }
        return Double(String(decoding: bytes[range], as: UTF8.self))
    }

    private static func value(
        _ value: JSONPointerReader.Value,
        in bytes: UnsafeRawBufferPointer,
        equals expected: AssertionConfiguration.Scalar
    ) -> Bool {
        switch (value, expected) {
        case (.null, .null): return true
        case (.bool(let actual), .boolean(let wanted)): return actual == wanted
        case (.number, .number(let wanted)): return self.number(value, in: bytes) == wanted
        case (.string(let range, let escaped), .string(let wanted)):
            guard escaped else { return bytes[range].elementsEqual(wanted.utf8) }
            // Escapes are rare in the values an assertion names: let Foundation decode them.
            let literal = Data([UInt8(ascii: "\"")] + bytes[range] + [UInt8(ascii: "\"")])
            return (try? JSONDecoder().decode(String.self, from: literal)) == wanted
        default: return false
        }
    }
}
