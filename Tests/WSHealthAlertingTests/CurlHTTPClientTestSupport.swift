import Foundation
import WSHealthAlerting
import WSHealthTestReceiver

/// Runs `body` with a fresh receiver and client, and shuts both down however it ends.
func withClientAndReceiver<T>(
    script: ReceiverScript = .alwaysOK,
    threadCount: Int = 2,
    now: @escaping @Sendable () -> Date = { Date() },
    _ body: (CurlHTTPClient, RecordingReceiver) async throws -> T
) async throws -> T {
    let receiver = try await RecordingReceiver.start(script: script)
    let client = CurlHTTPClient(threadCount: threadCount, now: now)
    do {
        let result = try await body(client, receiver)
        await client.shutdown()
        await receiver.shutdown()
        return result
    } catch {
        await client.shutdown()
        await receiver.shutdown()
        throw error
    }
}

/// A small JSON POST to `url`.
func jsonPost(_ url: String, body: String = "{\"alerts\":[]}", totalTimeout: Duration = .seconds(10)) -> HTTPPostRequest
{
    HTTPPostRequest(url: url, body: Array(body.utf8), connectTimeout: .seconds(5), totalTimeout: totalTimeout)
}
