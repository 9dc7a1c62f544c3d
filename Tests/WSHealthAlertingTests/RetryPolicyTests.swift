import Foundation
import Testing
import WSHealthAlerting

@Suite struct RetryPolicyTests {
    /// The documented table: 1 s doubling to a 5 min cap; no overflow for huge counts.
    @Test func backoffTable() {
        let policy = DeliveryStateMachine.RetryPolicy()
        let table = (1...11).map { policy.backoff(afterFailures: $0) }
        #expect(table == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map { Duration.seconds($0) })
        #expect(policy.backoff(afterFailures: 1_000_000) == .seconds(300))
    }

    /// Equal jitter stays within [backoff / 2, backoff]; full within [0, backoff]; none is exact.
    @Test(arguments: [0.0, 0.5, 0.999_999])
    func jitterBounds(unitRandom: Double) {
        let equal = DeliveryStateMachine.RetryPolicy()
        let full = DeliveryStateMachine.RetryPolicy(jitter: .full)
        let none = DeliveryStateMachine.RetryPolicy(jitter: .none)
        let equalDelay = equal.delay(afterFailures: 4, unitRandom: unitRandom)
        #expect(equalDelay >= .seconds(4) && equalDelay <= .seconds(8))
        #expect(full.delay(afterFailures: 4, unitRandom: unitRandom) <= .seconds(8))
        #expect(none.delay(afterFailures: 4, unitRandom: unitRandom) == .seconds(8))
    }

    /// Retry-After wins when longer than the backoff, up to the cap; shorter, the backoff wins.
    @Test func retryAfterIsAFloorUpToTheCap() {
        let policy = DeliveryStateMachine.RetryPolicy(jitter: .none)
        #expect(policy.delay(afterFailures: 1, unitRandom: 0, retryAfter: .seconds(7)) == .seconds(7))
        #expect(policy.delay(afterFailures: 5, unitRandom: 0, retryAfter: .seconds(7)) == .seconds(16))
        #expect(policy.delay(afterFailures: 1, unitRandom: 0, retryAfter: .seconds(7_200)) == .seconds(600))
    }

    /// `Retry-After` as delay-seconds or an HTTP-date; garbage is nil; a past date is zero.
    @Test func retryAfterHeader() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        typealias Policy = DeliveryStateMachine.RetryPolicy
        #expect(Policy.retryAfter(header: "7", now: now) == .seconds(7))
        #expect(Policy.retryAfter(header: " 120 ", now: now) == .seconds(120))
        #expect(Policy.retryAfter(header: "Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(Policy.retryAfter(header: "Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
        #expect(Policy.retryAfter(header: "soon", now: now) == nil)
        #expect(Policy.retryAfter(header: "-5", now: now) == nil)
    }
}
