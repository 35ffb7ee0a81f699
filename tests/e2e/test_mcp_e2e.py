"""Tools from a real MCP server process, over stdio and over Streamable HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import LiveServer, free_port, start_server
from tests.realtime_client import realtime

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mcp_http() -> Iterator[str]:
    """The same MCP server, serving Streamable HTTP on loopback."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.tools.mcp_server", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)  # any HTTP answer (400 without a session) means it is up
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the MCP test server did not start") from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def mcp_server(tmp_path_factory: pytest.TempPathFactory, mcp_http: str) -> Iterator[LiveServer]:
    stdio = f"{sys.executable} -m tests.tools.mcp_server"
    live = start_server(
        Path(tmp_path_factory.mktemp("mcp")), REALTALK_MCP_SERVERS=json.dumps([stdio, mcp_http])
    )
    yield live
    live.stop()


def test_health_lists_the_mcp_servers(mcp_server: LiveServer) -> None:
    body = httpx.get(f"{mcp_server.http_url}/healthz").json()
    assert list(body["mcp_servers"].values()) == ["2 tools", "2 tools"]
    assert "convert_distance" in body["engines"]["server_tools"]


async def test_mcp_tool_is_called_and_spoken(mcp_server: LiveServer) -> None:
    async with realtime(mcp_server) as conn:
        await conn.update(output_modalities=["text"])
        await conn.ask("convert a distance of five kilometers to miles")
        first = await conn.collect_response()
        call = next(e for e in first if e["type"] == "response.function_call_arguments.done")
        assert call["name"] == "convert_distance" and json.loads(call["arguments"]) == {"kilometers": 5.0}
        answer = "".join(
            e["delta"] for e in await conn.collect_response() if e["type"] == "response.output_text.delta"
        )
        assert "3.11" in answer

        await conn.ask("get the stock price for xyz")
        await conn.collect_response()
        answer = "".join(
            e["delta"] for e in await conn.collect_response() if e["type"] == "response.output_text.delta"
        )
        assert answer.startswith("Sorry") and "unknown symbol" in answer
