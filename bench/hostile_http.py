"""What hostile HTTP clients cost a live server: oversized chunked bodies and silent connections.

Run from the repository root: `python bench/hostile_http.py`. Starts a server with the default
limits, then (1) streams five concurrent 200 MiB chunked bodies to routes with different limits and
prints how much each client got to send before being cut off and the server's resident memory
before and after; (2) opens 300 connections that never send a byte and prints when they are closed.
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import API_KEY, LiveServer, serving

BODY_BYTES = 200 * 2**20
CHUNK = 65536


def upload(port: int, path: str, sent: list[int]) -> None:
    """Stream a chunked body until the server stops taking it; record how much went out."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(5)
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        sock.sendall(f"{head}Authorization: Bearer {API_KEY}\r\n\r\n".encode())
        chunk = b"%x\r\n%s\r\n" % (CHUNK, b"x" * CHUNK)
        total = 0
        try:
            while total < BODY_BYTES:
                sock.sendall(chunk)
                total += CHUNK
        except OSError:
            pass  # refused and closed: the point
        sent.append(total)


def bench_bodies(server: LiveServer) -> None:
    for path in ("/web/login", "/v1/realtime/client_secrets", "/v1/realtalk/chat"):
        before = server.rss_kib() / 1024
        sent: list[int] = []
        threads = [threading.Thread(target=upload, args=(server.port, path, sent)) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(0.5)
        print(
            f"{path}: 5 x 200 MiB chunked, sent before the cut-off (kernel buffers included): "
            f"median {statistics.median(sent) / 2**20:.1f} MiB, max {max(sent) / 2**20:.1f} MiB; "
            f"server RSS {before:.0f} -> {server.rss_kib() / 1024:.0f} MiB"
        )


def bench_silent_connections(server: LiveServer, count: int = 300) -> None:
    sockets = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(count)]
    start = time.monotonic()
    closed_after = []
    for sock in sockets:
        sock.settimeout(60)
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass
        closed_after.append(time.monotonic() - start)
        sock.close()
    print(
        f"{count} silent connections: {len(closed_after)} closed by the server, "
        f"median {statistics.median(closed_after):.1f} s, last {max(closed_after):.1f} s after opening"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as data, serving(Path(data)) as server:
        bench_bodies(server)
        bench_silent_connections(server)


if __name__ == "__main__":
    main()
