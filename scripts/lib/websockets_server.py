#!/usr/bin/env python3
"""A metrics WebSocket server written with Python's `websockets`, configured as uvicorn
configures it (permessage-deflate offered to the client with `ServerPerMessageDeflateFactory()`
and no arguments: a 32 KiB window, context takeover): a JSON message to every client every
--interval. For the agent's tests and benchmarks against a server that is not ours.

    websockets_server.py --port N [--interval 0.1] [--compression deflate|none]
        [--subprotocol NAME]... [--origin ORIGIN] [--require-header NAME=VALUE]
        [--subscribe [--refuse-subscribe] [--ignore-heartbeats]]

With --subprotocol the server agrees to the first of the client's offer it supports (and to
none when it supports none of them); with --origin it answers 403 to any other Origin; with
--require-header it answers 401 unless the request has that header with that value. With
--subscribe it talks as a market-data feed does: it greets with {"type":"welcome"}, sends
nothing more until the client's first message is {"type":"subscribe",...} (else it closes with
4000), acknowledges it with {"type":"subscribed"} (--refuse-subscribe: {"type":"error"}, and
nothing more), then streams {"type":"metrics",...} and, every third message, {"type":"ping"}: a
client that has not answered the previous ping with {"type":"pong"} by then is closed with
4001. It answers a client's heartbeat {"type":"hb"} with {"type":"hb_ack"}, unless
--ignore-heartbeats.

Prints "listening on PORT" once it accepts connections; exits at once on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import json
import os
import signal
from http import HTTPStatus
import time

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


async def metrics(connection, interval):
    sequence = 0
    while True:
        sequence += 1
        message = {"timestamp": time.time(), "sequence": sequence, "cpu_percent": 12.5, "memory_percent": 43.1}
        await connection.send(json.dumps(message))
        await asyncio.sleep(interval)


async def feed(connection, interval, refuse_subscribe, ignore_heartbeats):
    await connection.send(json.dumps({"type": "welcome"}))
    first = json.loads(await connection.recv())
    if first.get("type") != "subscribe":
        await connection.close(4000, "subscribe first")
        return
    if refuse_subscribe:
        await connection.send(json.dumps({"type": "error", "reason": "unknown channel"}))
        await connection.wait_closed()
        return
    await connection.send(json.dumps({"type": "subscribed"}))
    answered = asyncio.Event()
    answered.set()

    async def read_pongs():
        async for raw in connection:
            kind = json.loads(raw).get("type")
            if kind == "pong":
                answered.set()
            elif kind == "hb" and not ignore_heartbeats:
                await connection.send(json.dumps({"type": "hb_ack"}))

    reader = asyncio.create_task(read_pongs())
    try:
        sequence = 0
        while True:
            sequence += 1
            if sequence % 3 == 0:
                if not answered.is_set():
                    await connection.close(4001, "no pong")
                    return
                answered.clear()
                await connection.send(json.dumps({"type": "ping"}))
            message = {"type": "metrics", "timestamp": time.time(), "sequence": sequence, "cpu_percent": 12.5}
            await connection.send(json.dumps(message))
            await asyncio.sleep(interval)
    finally:
        reader.cancel()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    parser.add_argument("--subprotocol", action="append", default=[])
    parser.add_argument("--origin")
    parser.add_argument("--require-header")
    parser.add_argument("--subscribe", action="store_true")
    parser.add_argument("--refuse-subscribe", action="store_true")
    parser.add_argument("--ignore-heartbeats", action="store_true")
    args = parser.parse_args()
    extensions = [ServerPerMessageDeflateFactory()] if args.compression == "deflate" else []
    # A test tool: stop at once, without waiting for the closing handshakes of every client.
    # The signals may arrive blocked from a parent that started it from a thread blocking them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, os._exit, 0)

    async def handler(connection):
        try:
            if args.subscribe:
                await feed(connection, args.interval, args.refuse_subscribe, args.ignore_heartbeats)
            else:
                await metrics(connection, args.interval)
        except ConnectionClosed:
            pass

    def process_request(connection, request):
        if args.require_header:
            name, _, value = args.require_header.partition("=")
            if request.headers.get(name) != value:
                return connection.respond(HTTPStatus.UNAUTHORIZED, "missing or wrong header\n")
        return None

    def select_subprotocol(connection, offered):
        # The first of the client's offer that the server speaks; None agrees to none.
        return next((name for name in offered if name in args.subprotocol), None)

    # compression=None: the extensions list is the whole offer, as uvicorn builds it.
    async with serve(handler, "127.0.0.1", args.port, compression=None, extensions=extensions,
                     ping_interval=None, max_queue=None, process_request=process_request,
                     subprotocols=args.subprotocol or None,
                     select_subprotocol=select_subprotocol if args.subprotocol else None,
                     origins=[args.origin] if args.origin else None):
        print(f"listening on {args.port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
