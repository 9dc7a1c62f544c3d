"""Third-party WebSocket servers for the suite, on 127.0.0.1 under uvicorn.

    protocol_servers.py --port PORT graphql [--interval S] [--fail-subscription] [--frozen-timestamp]
    protocol_servers.py --port PORT socketio [--interval S] [--namespace /NS] [--ping-interval S]
        [--frozen-timestamp]

graphql: a Strawberry GraphQL schema served over graphql-transport-ws (Strawberry's own
implementation) at /graphql, whose subscription `metrics` yields {cpu, timestamp} every
interval; with --fail-subscription the subscription raises at once (an `error` message).
socketio: python-socketio's ASGI server at /socket.io/ (Engine.IO v4), emitting
`metrics` {cpu, timestamp} to every client of the namespace every interval. With
--frozen-timestamp every message carries the time the server started: a frozen collector.
Exits within a second of SIGTERM or SIGINT.
"""
import argparse
import asyncio
import time

import uvicorn


def graphql_app(interval, fail, stamp):
    import strawberry
    from strawberry.asgi import GraphQL
    from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

    @strawberry.type
    class Metrics:
        cpu: float
        timestamp: float

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "hello"

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def metrics(self) -> Metrics:
            if fail:
                raise ValueError("no metrics for you")
            while True:
                yield Metrics(cpu=12.5, timestamp=stamp())
                await asyncio.sleep(interval)

    schema = strawberry.Schema(query=Query, subscription=Subscription)
    return GraphQL(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])


def socketio_app(interval, namespace, ping_interval, stamp):
    import socketio

    server = socketio.AsyncServer(async_mode="asgi", ping_interval=ping_interval, ping_timeout=ping_interval)

    async def emit_forever():
        while True:
            await server.emit("metrics", {"cpu": 12.5, "timestamp": stamp()}, namespace=namespace)
            await asyncio.sleep(interval)

    @server.on("connect", namespace=namespace)
    async def connect(sid, environ, auth=None):
        if not getattr(server, "emitting", False):
            server.emitting = True
            server.start_background_task(emit_forever)

    return socketio.ASGIApp(server)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("mode", choices=["graphql", "socketio"])
    parser.add_argument("--fail-subscription", action="store_true")
    parser.add_argument("--namespace", default="/")
    parser.add_argument("--ping-interval", type=float, default=25)
    parser.add_argument("--frozen-timestamp", action="store_true")
    args = parser.parse_args()
    started = time.time()
    stamp = (lambda: started) if args.frozen_timestamp else time.time
    if args.mode == "graphql":
        app = graphql_app(args.interval, args.fail_subscription, stamp)
    else:
        app = socketio_app(args.interval, args.namespace, args.ping_interval, stamp)
    # Stopped by SIGTERM: uvicorn's own shutdown, bounded to a second.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", ws="websockets-sansio",
                timeout_graceful_shutdown=1)


if __name__ == "__main__":
    main()
