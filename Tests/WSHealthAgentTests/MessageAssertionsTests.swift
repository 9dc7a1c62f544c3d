import Foundation
import NIOCore
import Testing
import WSHealthConfig

@testable import WSHealthAgent

/// `expect.assertions` on the spec's messages: each kind of condition holding and failing.
struct MessageAssertionsTests {
    static let message =
        #"{"timestamp":"2026-12-03T13:50:09Z","cpu_percent":12.5,"status":"o\"k","up":true,"gone":null,"disks":[{"free":3}]}"#

    static func assertion(
        _ pointer: String,
        exists: Bool = true,
        type: AssertionConfiguration.ValueType? = nil,
        equals: AssertionConfiguration.Scalar? = nil,
        min: Double? = nil,
        max: Double? = nil
    ) -> AssertionConfiguration {
        AssertionConfiguration(
            pointer: JSONPointer(pointer)!,
            exists: exists,
            type: type,
            equals: equals,
            min: min,
            max: max
        )
    }

    static func holds(_ assertion: AssertionConfiguration) -> Bool {
        MessageAssertions.firstFailure(ByteBuffer(string: Self.message), [assertion]) == nil
    }

    @Test func holding() {
        #expect(Self.holds(Self.assertion("/timestamp")))
        #expect(Self.holds(Self.assertion("/missing", exists: false)))
        #expect(Self.holds(Self.assertion("/cpu_percent", type: .number, min: 0, max: 100)))
        #expect(Self.holds(Self.assertion("/status", equals: .string(#"o"k"#))))
        #expect(Self.holds(Self.assertion("/up", equals: .boolean(true))))
        #expect(Self.holds(Self.assertion("/gone", type: .null)))
        #expect(Self.holds(Self.assertion("/disks", type: .array)))
        #expect(Self.holds(Self.assertion("/disks/0/free", equals: .number(3))))
        #expect(Self.holds(Self.assertion("", type: .object)))
    }

    @Test func failing() {
        #expect(!Self.holds(Self.assertion("/missing")))
        #expect(!Self.holds(Self.assertion("/timestamp", exists: false)))
        #expect(!Self.holds(Self.assertion("/cpu_percent", max: 10)))
        #expect(!Self.holds(Self.assertion("/cpu_percent", min: 20)))
        #expect(!Self.holds(Self.assertion("/status", min: 0)), "bounds need a number")
        #expect(!Self.holds(Self.assertion("/status", equals: .string("ok"))))
        #expect(!Self.holds(Self.assertion("/up", type: .string)))
        #expect(!Self.holds(Self.assertion("/gone", equals: .boolean(false))))
        #expect(!Self.holds(Self.assertion("/disks/1/free")))
    }

    /// The first failing assertion is the one reported, in words that hold no payload.
    @Test func firstFailureIsNamed() {
        let failed = MessageAssertions.firstFailure(
            ByteBuffer(string: Self.message),
            [Self.assertion("/timestamp"), Self.assertion("/cpu_percent", type: .number, min: 0, max: 10)]
        )
        #expect(failed?.description == "/cpu_percent: a number, between 0 and 10")
    }
}
