import Foundation
import Hummingbird
import NIOCore
import WSHealthConfig

extension WebServer {
    /// `GET /` (the status page), `GET /api/v1/targets` and `GET /api/v1/alerts` (its data),
    /// `POST /api/v1/targets/{name}/retry` (its Retry button) and
    /// `GET /api/v1/targets/{name}/sessions/{index}/events` (a session's timeline).
    func addStatusRoutes(to router: Router<BasicRequestContext>) {
        let agent = self.agent
        router.get("/") { _, _ -> Response in
            let page = StatusPage.render(await StatusReport.collect(agent.targets), alerts: agent.firingAlerts)
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page))
            )
        }
        router.get("/api/v1/targets") { _, _ -> Response in
            try Self.json(.ok, await StatusReport.collect(agent.targets))
        }
        router.get("/api/v1/alerts") { _, _ -> Response in
            try Self.json(.ok, AlertsReport(generatedAt: Date(), alerts: agent.firingAlerts))
        }
        router.post("/api/v1/targets/:name/retry") { _, context -> Response in
            let (name, found) = Self.target(in: context, of: agent)
            guard let target = found else { return try Self.noTarget(named: name) }
            let retried = try await target.retry().get()
            return try Self.json(.ok, RetryResult(target: name, retried: retried))
        }
        router.get("/api/v1/targets/:name/sessions/:index/events") { _, context -> Response in
            let (name, found) = Self.target(in: context, of: agent)
            guard let target = found else { return try Self.noTarget(named: name) }
            guard let index = context.parameters.get("index").flatMap(Int.init), target.sessions.indices.contains(index)
            else {
                let count = target.sessions.count
                return try Self.json(
                    .notFound,
                    ["error": "target \(name.debugDescription) has sessions 0 to \(count - 1)"]
                )
            }
            let events = try await target.sessions[index].events().get()
            return try Self.json(
                .ok,
                SessionEventsReport(generatedAt: Date(), target: name, session: index, events: events)
            )
        }
    }

    /// The target a route's `:name` names, and the name. The name is one percent-encoded path
    /// segment: a name may hold `/` or spaces.
    private static func target(in context: BasicRequestContext, of agent: Agent) -> (String, TargetMonitor?) {
        let raw = context.parameters.get("name") ?? ""
        let name = raw.removingPercentEncoding ?? raw
        return (name, agent.targets.first { $0.configuration.name == name })
    }

    private static func noTarget(named name: String) throws -> Response {
        try Self.json(.notFound, ["error": "no target named \(name.debugDescription)"])
    }

    /// What `POST /api/v1/targets/{name}/retry` answers: how many sessions left `error`.
    private struct RetryResult: Encodable {
        var target: String
        var retried: Int
    }

    /// A JSON response with sorted keys, so the same state always reads the same.
    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }
}
