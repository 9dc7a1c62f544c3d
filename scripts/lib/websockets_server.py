#!/usr/bin/env python3
"""A metrics WebSocket server written with Python's `websockets`, configured as uvicorn
configures it (permessage-deflate offered to the client with `ServerPerMessageDeflateFactory()`
and no arguments: a 32 KiB window, context takeover): a JSON message to every client every
--interval. For the agent's tests and benchmarks against a server that is not ours.

    websockets_server.py --port N [--interval 0.1] [--compression deflate|none]

Prints "listening on PORT" once it accepts connections; exits at once on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import json
import os
import signal
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


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    args = parser.parse_args()
    extensions = [ServerPerMessageDeflateFactory()] if args.compression == "deflate" else []
    # A test tool: stop at once, without waiting for the closing handshakes of every client.
    # The signals may arrive blocked from a parent that started it from a thread blocking them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, os._exit, 0)

    async def handler(connection):
        try:
            await metrics(connection, args.interval)
        except ConnectionClosed:
            pass

    # compression=None: the extensions list is the whole offer, as uvicorn builds it.
    async with serve(handler, "127.0.0.1", args.port, compression=None, extensions=extensions,
                     ping_interval=None, max_queue=None):
        print(f"listening on {args.port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
