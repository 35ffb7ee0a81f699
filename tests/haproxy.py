"""A throwaway HAProxy in front of test nodes, running deploy/haproxy.cfg (Debian's `haproxy`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.live_server import free_port

CONFIG = Path(__file__).parents[1] / "deploy" / "haproxy.cfg"


@contextmanager
def haproxy(nodes: list[str]) -> Iterator[str]:
    """Start HAProxy balancing over `nodes` (three `host:port`); yield its base URL; stop it."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(binary).exists():
        raise RuntimeError("haproxy is not installed (scripts/setup.sh --dev installs it)")
    port = free_port()
    env = {**os.environ, "HAPROXY_BIND": f"127.0.0.1:{port}"}
    env.update({f"NODE{i}": node for i, node in enumerate(nodes, 1)})
    process = subprocess.Popen([binary, "-db", "-f", str(CONFIG)], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:  # ready once it routes a health check to some node
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("haproxy did not start routing")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
