"""The npm `openai` SDK's `OpenAIRealtimeWS` against RealTalk over TLS.

The SDK always dials `wss://`, so this is also the test of `realtalk serve --ssl-certfile/--ssl-keyfile`.
The SDK version is pinned in node_sdk/package-lock.json and installed here on first use (`npm ci`);
node and npm come from Debian (scripts/setup.sh). A throwaway CA made by `trustme` signs the
server's certificate, and Node trusts it through NODE_EXTRA_CA_CERTS.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from tests.live_server import API_KEY, LiveServer, start_server

pytestmark = pytest.mark.slow

NODE_SDK = Path(__file__).with_name("node_sdk")
UI_TOKEN = "tls-ui-token"


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    if not (NODE_SDK / "node_modules" / "openai").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_SDK, check=True, timeout=300)
    return NODE_SDK


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("realtalk-tls")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(folder / "ca.pem")
    cert.private_key_pem.write_to_path(folder / "key.pem")
    cert.cert_chain_pems[0].write_to_path(folder / "cert.pem")
    live = start_server(
        folder / "data",
        "--ssl-certfile", str(folder / "cert.pem"), "--ssl-keyfile", str(folder / "key.pem"),
        ca_file=folder / "ca.pem",
        REALTALK_UI_TOKEN=UI_TOKEN,
    )  # fmt: skip
    yield live
    live.stop()


def test_the_server_speaks_tls_only_on_its_port(tls_server: LiveServer) -> None:
    assert tls_server.http_url.startswith("https://")
    ok = httpx.get(f"{tls_server.http_url}/healthz", verify=tls_server.verify)
    assert ok.status_code == 200
    with pytest.raises(httpx.HTTPError):  # an untrusted certificate is not accepted
        httpx.get(f"{tls_server.http_url}/healthz")
    signed_in = httpx.post(
        f"{tls_server.http_url}/web/login", json={"token": UI_TOKEN}, verify=tls_server.verify
    )
    assert signed_in.status_code == 204
    assert "secure" in signed_in.headers["set-cookie"].lower(), "over TLS the cookie is Secure"


def test_openai_realtime_ws_text_turn_and_tool_round_trip(tls_server: LiveServer, node_sdk: Path) -> None:
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(tls_server.ca_file)}
    run = subprocess.run(
        ["node", "realtime_turn.mjs", tls_server.base_url, API_KEY],
        cwd=node_sdk,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr + tls_server.log_tail()
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert "Ada" in result["text"]
    assert result["tool_call"]["name"] == "get_weather"
    assert json.loads(result["tool_call"]["arguments"])["city"].lower() == "paris"
    assert "21" in result["after_tool"]
