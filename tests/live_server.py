"""A real RealTalk server process on loopback, for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

API_KEY = "test-key-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """`python -m realtalk serve` in a subprocess; `stop()`/`start()` restart it on the same data."""

    data_dir: Path
    port: int
    env: dict[str, str]
    extra_args: list[str] = field(default_factory=list)
    ca_file: Path | None = None
    """Set when the server serves TLS: the CA its certificate is signed by."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def http_url(self) -> str:
        return f"{'https' if self.ca_file else 'http'}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """httpx's `verify=` for this server."""
        return ssl.create_default_context(cafile=self.ca_file) if self.ca_file else True

    @property
    def base_url(self) -> str:
        return f"{self.http_url}/v1"

    def rss_kib(self) -> int:
        """The server process's resident memory in KiB."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))

    def start(self, timeout: float = 120.0) -> None:
        env = {
            **os.environ,
            "REALTALK_API_KEYS": API_KEY,
            "REALTALK_DATA_DIR": str(self.data_dir),
            "REALTALK_LOG_LEVEL": "warning",
            "REALTALK_DRAIN_TIMEOUT_S": "3",  # `stop()` waits 10 s for a drained exit
            **self.env,
        }
        log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "realtalk", "serve", "--port", str(self.port), *self.extra_args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            try:
                if httpx.get(f"{self.http_url}/healthz", timeout=1, verify=self.verify).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy in {timeout}s: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def kill(self) -> None:
        """Stop without a graceful shutdown (a crash)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def log_tail(self, chars: int = 3000) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def start_server(data_dir: Path, *args: str, ca_file: Path | None = None, **env: str) -> LiveServer:
    """A started server on a free port; `args` go to `realtalk serve`, `env` over the defaults;
    `ca_file` when `args` make it serve TLS."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = LiveServer(data_dir=data_dir, port=free_port(), env=env, extra_args=list(args), ca_file=ca_file)
    server.start()
    return server


@contextmanager
def serving(data_dir: Path, *args: str, **env: str) -> Iterator[LiveServer]:
    """`start_server` for a `with` block (and a pytest fixture's `yield`)."""
    server = start_server(data_dir, *args, **env)
    try:
        yield server
    finally:
        server.stop()


def scrape(server: LiveServer, key: str = API_KEY) -> dict[str, float]:
    """`GET /metrics`, parsed by prometheus_client's own parser: {'name{label=value,...}': value}."""
    response = httpx.get(f"{server.http_url}/metrics", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples
