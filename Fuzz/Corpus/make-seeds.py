#!/usr/bin/env python3
"""Writes the seed corpora of the frame reader, the HTTP server and the outbox loaders into
Fuzz/Corpus/<target>/ (the JSON and configuration seeds are plain files kept as written).

Frame reader seeds are <flags byte><split seed byte><server's bytes>: the flags choose
compression (bit 0), context takeover (bit 1), binary kept (bit 2), the window 2^(8+bits 3-5)
and the limit (bits 6-7: 125, 1 KiB, 64 KiB, 1 MiB); see FuzzFrameReader.swift. Compressed
payloads are raw DEFLATE with a sync flush, its empty stored block removed (RFC 7692), as
zlib makes them for the reference backend. Outbox seeds are files as the outbox writes them:
JSONEncoder with sorted keys, dates as seconds since 2001, the fingerprint FNV-1a of the labels.
"""
import json
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def frame(first, payload, mask=None, long=False):
    """A frame; `long` writes the 64-bit length form whatever the length (the reader takes it)."""
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126 and not long:
        head = bytes([first, bit | n])
    elif n <= 0xFFFF and not long:
        head = bytes([first, bit | 126]) + struct.pack(">H", n)
    else:
        head = bytes([first, bit | 127]) + struct.pack(">Q", n)
    if mask:
        return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


def deflater(bits=15):
    return zlib.compressobj(6, zlib.DEFLATED, -bits)


def deflate(compressor, message):
    data = compressor.compress(message) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert data.endswith(b"\x00\x00\xff\xff")
    return data[:-4]


def flags(compressed=False, takeover=False, keep_binary=False, bits=15, limit=2):
    return bytes([int(compressed) | int(takeover) << 1 | int(keep_binary) << 2 | (bits - 8) << 3 | limit << 6])


def frame_reader_seeds():
    t = "FuzzFrameReader"
    sample = b'{"cpu":12.5,"memory":43.1,"connections":1024,"timestamp":"2026-12-03T07:00:00Z"}'
    plain = frame(0x81, sample) + frame(0x89, b"ping") + frame(0x8A, b"") + frame(0x82, bytes(range(40)))
    write(t, "plain-messages", flags() + b"\x00" + plain + frame(0x88, b"\x03\xe8bye"))
    write(t, "fragmented-text-with-ping", flags(keep_binary=True) + b"\x07"
          + frame(0x01, "héllo ".encode()) + frame(0x89, b"") + frame(0x00, b"w\xc3") + frame(0x80, b"\xb6rld"))
    write(t, "lengths-16-and-64-bit", flags(limit=3) + b"\x1f"
          + frame(0x81, b"x" * 300) + frame(0x82, b"\x00" * 130, long=True))
    write(t, "masked-frame", flags() + b"\x03" + frame(0x81, b"masked", mask=b"\x01\x02\x03\x04"))
    write(t, "close-codes", flags() + b"\x05" + frame(0x88, b"") + frame(0x88, b"\x0f\xa0app"))
    write(t, "bad-utf8-and-reserved", flags() + b"\x02" + frame(0x81, b"ok\xed\xa0\x80") + frame(0xB3, b""))
    c = deflater()
    write(t, "compressed", flags(compressed=True) + b"\x09" + frame(0xC1, deflate(c, sample)))
    c = deflater()
    first, second = deflate(c, sample), deflate(c, sample)
    write(t, "compressed-context-takeover", flags(compressed=True, takeover=True) + b"\x11"
          + frame(0xC1, first) + frame(0x41, second[:3]) + frame(0x89, b"p") + frame(0x80, second[3:]))
    c = deflater(9)
    write(t, "compressed-window-9-binary", flags(compressed=True, takeover=True, keep_binary=True, bits=9)
          + b"\x00" + frame(0xC2, deflate(c, bytes(range(256)))) + frame(0xC2, deflate(c, bytes(range(256)))))
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    write(t, "compressed-over-limit", flags(compressed=True, limit=1) + b"\x2a"
          + frame(0xC1, deflate(bomb, b"0" * 100000)))
    final = zlib.compressobj(6, zlib.DEFLATED, -15)
    ended = final.compress(b"final block") + final.flush(zlib.Z_FINISH)
    write(t, "compressed-final-block", flags(compressed=True, takeover=True) + b"\x04"
          + frame(0xC1, ended) + frame(0xC1, deflate(deflater(), b"next")))


def http_seeds():
    t = "FuzzHTTPRequest"
    auth = "Authorization: Basic cHJvbWV0aGV1czpzZWNyZXQ=\r\n"  # prometheus:secret
    write(t, "metrics", "GET /metrics HTTP/1.1\r\nHost: agent\r\n"
          "Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1\r\n"
          + auth + "\r\n")
    write(t, "pipelined", "GET /-/healthy HTTP/1.1\r\nHost: a\r\n\r\nGET /-/ready HTTP/1.1\r\nHost: a\r\n" + auth
          + "\r\nGET /api/v1/targets HTTP/1.1\r\nHost: a\r\n" + auth + "\r\n"
          + "GET /api/v1/alerts HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    write(t, "status-page", "GET / HTTP/1.1\r\nHost: a\r\n" + auth + "\r\n")
    write(t, "session-events", "GET /api/v1/targets/dashboard/sessions/1/events HTTP/1.1\r\nHost: a\r\n\r\n"
          "GET /api/v1/targets/a%2Fb%20c/sessions/7/events HTTP/1.1\r\nHost: a\r\n\r\n")
    write(t, "retry", "POST /api/v1/targets/a%2Fb%20c/retry HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
          + auth + "\r\nPOST /api/v1/targets/dashboard/retry HTTP/1.1\r\nHost: a\r\n"
          "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    write(t, "reload", "POST /-/reload HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
    write(t, "bad-auth-and-method", "DELETE /metrics HTTP/1.1\r\nAuthorization: Basic !!!\r\n\r\n"
          "GET /nope?x=%zz HTTP/1.0\r\n\r\n")
    write(t, "garbage", "GET / HTTP/9.9\r\nHost\r\n\r\n")


def fingerprint(labels):
    h = 0xCBF29CE484222325
    for name in sorted(labels):
        for b in name.encode() + b"\xff" + labels[name].encode() + b"\xff":
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def outbox_seeds():
    t = "FuzzOutboxLoad"
    labels = {"alertname": "WSHealthTargetDown", "target": "dashboard", "severity": "critical",
              "instance": "wshealth-0"}
    annotations = {"summary": "dashboard is down", "runbook_url": "https://example.org/runbooks/down"}
    firing = {"labels": labels, "annotations": annotations, "startsAt": 786438000.25}
    resolved = dict(firing, endsAt=786438060.5)
    dump = lambda value: json.dumps(value, sort_keys=True, separators=(",", ":")).replace("/", "\\/")
    for name, alert in [("entry-firing", firing), ("entry-resolved", resolved)]:
        write(t, name, dump({"alert": alert, "enqueuedAt": 786438001.125, "fingerprint": fingerprint(labels),
                             "sequence": 7, "status": "firing" if alert is firing else "resolved", "version": 1}))
    other = dict(firing, labels=dict(labels, target="a/b c"))
    write(t, "active-alerts", dump({"alerts": [firing, other], "version": 1}))
    write(t, "sequence-watermark", "41\n")


if __name__ == "__main__":
    frame_reader_seeds()
    http_seeds()
    outbox_seeds()
