#!/usr/bin/env python3
"""A long-lived python websockets (sans-IO ServerProtocol) peer for the nightly differential.

stdin: frames of a 4-byte big-endian length, then that many bytes of a request head.
stdout: one JSON line per frame: {"status": N, "accept": str|null} for the response the
server would send, or {"status": null, "error": str} when the head was not a request
websockets could read. Bounded: frames over 64 KiB are refused; EOF ends the process.
"""
import json
import struct
import sys

from websockets.server import ServerProtocol


def verdict(head: bytes) -> dict:
    protocol = ServerProtocol()
    protocol.receive_data(head)
    events = protocol.events_received()
    if not events:
        error = protocol.handshake_exc
        return {"status": None, "error": type(error).__name__ if error else "incomplete"}
    response = protocol.accept(events[0])
    return {"status": response.status_code, "accept": response.headers.get("Sec-WebSocket-Accept")}


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout
    while True:
        prefix = stdin.read(4)
        if len(prefix) < 4:
            return
        (length,) = struct.unpack(">I", prefix)
        if length > 65536:
            stdout.write(json.dumps({"status": None, "error": "too_long"}) + "\n")
            stdout.flush()
            stdin.read(length)
            continue
        head = stdin.read(length)
        try:
            answer = verdict(head)
        except Exception as error:  # a peer crash is a verdict too: it refused
            answer = {"status": None, "error": type(error).__name__}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()


if __name__ == "__main__":
    main()
