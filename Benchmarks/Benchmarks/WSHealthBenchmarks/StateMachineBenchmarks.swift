import Benchmark
import WSConnectionStateMachine

/// The connection state machine alone: events per second on one core (issue 5 asks for at
/// least 5 million). Each iteration is one event; `throughput` is events per second.
func stateMachineBenchmarks() {
    typealias Machine = ConnectionStateMachine<MonotonicInstant>
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        scalingFactor: .mega
    )

    // What a live session sees most: a message every few seconds.
    Benchmark("State machine: messageReceived", configuration: configuration) { benchmark in
        var machine = Machine(policy: .spec)
        var now = MonotonicInstant(nanoseconds: 1_000_000_000)
        _ = machine.connect(at: now)
        _ = machine.handshakeSucceeded(at: now)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now = now.advanced(by: .seconds(5))
            blackHole(machine.messageReceived(at: now))
        }
    }

    // A whole life, over and over: connect, handshake, messages, a pong, a dropped connection,
    // the backoff timer, a refused attempt, the next timer.
    Benchmark("State machine: connection lifecycle", configuration: configuration) { benchmark in
        var machine = Machine(policy: .spec)
        var now = MonotonicInstant(nanoseconds: 1_000_000_000)
        var step = 0
        for _ in benchmark.scaledIterations {
            now = now.advanced(by: .milliseconds(500))
            let action: Machine.Action
            switch step {
            case 0: action = machine.connect(at: now)
            case 1: action = machine.handshakeSucceeded(at: now)
            case 2, 3, 4: action = machine.messageReceived(at: now)
            case 5: action = machine.controlFrameReceived(at: now)
            case 6: action = machine.connectionClosed(.networkError, at: now)
            case 7: action = machine.timerFired(at: now.advanced(by: .seconds(60)))
            case 8: action = machine.handshakeFailed(.refused, at: now)
            case 9: action = machine.timerFired(at: now.advanced(by: .seconds(60)))
            case 10: action = machine.handshakeSucceeded(at: now)
            default: action = machine.stop(at: now)
            }
            blackHole(action)
            step += 1
            if step == 12 {
                step = 0
                machine = Machine(policy: .spec)
            }
        }
    }
}
