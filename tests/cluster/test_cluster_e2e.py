"""Three RealTalk nodes on one Redis and one PostgreSQL, behind HAProxy (deploy/haproxy.cfg).

All real servers: `redis-server`, PostgreSQL, `haproxy` and three `realtalk serve --app task-manager`.
"""

from __future__ import annotations

import asyncio
import json
import signal
import statistics
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import redis
from openai import AsyncOpenAI
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.haproxy import haproxy
from tests.live_server import API_KEY, LiveServer, start_server
from tests.postgres import postgres_server
from tests.realtime_client import Recorder, realtime, say
from tests.redis_server import redis_server
from tests.rtc_client import RtcClient

pytestmark = pytest.mark.slow

RESTARTS = ThreadPoolExecutor(2)
AUTH = {"Authorization": f"Bearer {API_KEY}"}
DRAIN_S = 5.0
LIMITED_KEY = "test-key-one-session-at-a-time"


@dataclass
class Balancer:
    """HAProxy's address, shaped like a `LiveServer` for the test clients."""

    http_url: str

    @property
    def base_url(self) -> str:
        return f"{self.http_url}/v1"


@dataclass
class Cluster:
    nodes: list[LiveServer]
    balancer: Balancer
    redis_url: str
    restarts: list[Future[None]] = field(default_factory=list)
    """Nodes being started again after a drain or a kill (in threads: each test has its own loop)."""

    def restart(self, node: LiveServer) -> None:
        self.restarts.append(RESTARTS.submit(node.start))

    async def restarted(self) -> None:
        for future in self.restarts:
            await asyncio.wrap_future(future)
        self.restarts.clear()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with redis_server() as redis_url, postgres_server() as database_url:
        env = {
            "REALTALK_REDIS_URL": redis_url,
            "REALTALK_DATABASE_URL": database_url,
            "REALTALK_DRAIN_TIMEOUT_S": str(DRAIN_S),
            "REALTALK_API_KEYS": f"{API_KEY},{LIMITED_KEY}",
            "REALTALK_RATE_LIMITS": json.dumps({"keys": {LIMITED_KEY: {"concurrent_sessions": 1}}}),
        }
        root = tmp_path_factory.mktemp("cluster")

        def node(n: int) -> LiveServer:
            return start_server(root / f"node{n}", "--app", "task-manager", **env)

        first = node(1)  # alone: it runs the task app's migrations
        with ThreadPoolExecutor(2) as pool:
            nodes = [first, *pool.map(node, (2, 3))]
        try:
            with haproxy([f"127.0.0.1:{n.port}" for n in nodes]) as url:
                yield Cluster(nodes, Balancer(url), redis_url)
        finally:
            for n in nodes:
                n.stop()


async def _owner(nodes: list[LiveServer]) -> LiveServer:
    """The node holding the one live session (nodes that are restarting do not answer)."""
    async with httpx.AsyncClient(timeout=2) as http:
        for node in nodes:
            try:
                if (await http.get(f"{node.http_url}/readyz")).json()["live_sessions"] == 1:
                    return node
            except (httpx.HTTPError, ValueError):
                continue
    raise AssertionError("no node holds the session")


async def test_every_node_is_ready_with_redis(cluster: Cluster) -> None:
    async with httpx.AsyncClient() as http:
        for node in cluster.nodes:
            ready = await http.get(f"{node.http_url}/readyz")
            assert ready.status_code == 200 and ready.json()["checks"]["redis"] == "ok"


async def test_a_secret_minted_on_one_node_opens_a_session_on_another(cluster: Cluster) -> None:
    a, b, _ = cluster.nodes
    minted = await AsyncOpenAI(base_url=a.base_url, api_key=API_KEY).realtime.client_secrets.create(
        session={"type": "realtime", "instructions": "Answer like a sailor."},
        expires_after={"anchor": "created_at", "seconds": 60},
    )
    for where in (b, cluster.balancer):
        async with realtime(where, api_key=minted.value) as conn:  # type: ignore[arg-type]
            created = conn.events[0]
            assert created["session"]["instructions"] == "Answer like a sailor."
    with pytest.raises(Exception, match="401"):  # an unknown secret is still refused everywhere
        async with realtime(b, api_key="ek_" + "x" * 32):
            pass


async def test_a_rate_limit_holds_across_nodes(cluster: Cluster) -> None:
    a, b, _ = cluster.nodes
    async with realtime(a, api_key=LIMITED_KEY):
        with pytest.raises(InvalidStatus) as refused:  # its one session is on node A
            async with realtime(b, api_key=LIMITED_KEY):
                pass
        assert refused.value.response.status_code == 429
        assert json.loads(refused.value.response.body)["error"]["code"] == "rate_limit_exceeded"
    for _ in range(50):  # released when the first one closed (the close is asynchronous)
        try:
            async with realtime(b, api_key=LIMITED_KEY) as conn:
                assert conn.events[0]["type"] == "session.created"
                return
        except InvalidStatus:
            await asyncio.sleep(0.1)
    raise AssertionError("the key's session was not released")


async def test_hang_up_and_sideband_reach_the_owning_node(cluster: Cluster) -> None:
    owner, other, third = cluster.nodes
    call = RtcClient(data_channel=False)
    try:
        await call.connect(owner, API_KEY)
        # A backend's sideband lands on another node (directly, and through the balancer).
        joins = []
        for where in (other, cluster.balancer):
            client = AsyncOpenAI(base_url=where.base_url, api_key=API_KEY)
            joins.append(client.realtime.connect(call_id=call.call_id))
        async with joins[0] as direct, joins[1] as balanced:
            for connection in (direct, balanced):
                backend = Recorder(connection)
                created = await backend.until("session.created")
                assert created["session"]["object"] == "realtime.session"
            # Events the sideband sends act on the call on its owner.
            await direct.send(
                {"type": "session.update", "session": {"type": "realtime", "instructions": "Hi."}}
            )
            updated = await Recorder(balanced).until("session.updated")
            assert updated["session"]["instructions"] == "Hi."
            async with httpx.AsyncClient(headers=AUTH) as http:
                refused = await http.post(f"{third.http_url}/v1/realtime/calls/{call.call_id}/hangup")
                assert refused.status_code == 200
                again = await http.post(
                    f"{cluster.balancer.http_url}/v1/realtime/calls/{call.call_id}/hangup"
                )
                assert again.status_code == 404 and again.json()["error"]["code"] == "call_not_found"
            for connection in (direct, balanced):  # the owner ended the call: both relays close
                with pytest.raises(ConnectionClosed):
                    while True:  # events still on their way, then the close (a timeout fails)
                        await Recorder(connection).next(timeout=10)
        async with httpx.AsyncClient() as http:  # without the master key the owner says no
            denied = await http.post(f"{third.http_url}/v1/realtime/calls/rtc_nope/hangup")
            assert denied.status_code == 401
    finally:
        await call.close()


async def test_a_proxied_call_control_body_is_held_to_the_limits_first(cluster: Cluster) -> None:
    """A node refuses an oversized body itself instead of reading it whole to pass it on."""
    received: list[int] = []

    class Owner(BaseHTTPRequestHandler):  # the node that owns the call, as far as Redis says
        def do_POST(self) -> None:
            received.append(len(self.rfile.read(int(self.headers["Content-Length"] or 0))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    owner = ThreadingHTTPServer(("127.0.0.1", 0), Owner)
    threading.Thread(target=owner.serve_forever, daemon=True).start()
    registry = redis.Redis.from_url(cluster.redis_url)
    registry.set("realtalk:call:rtc_elsewhere", f"http://127.0.0.1:{owner.server_port}", ex=60)
    url = f"{cluster.nodes[1].http_url}/v1/realtime/calls/rtc_elsewhere/hangup"

    async def chunked(size: int) -> AsyncIterator[bytes]:  # no Content-Length to refuse up front
        for _ in range(size // 65536):
            yield b" " * 65536

    try:
        async with httpx.AsyncClient(headers=AUTH, timeout=30) as http:
            refused = await http.post(url, content=chunked(1024 * 1024 + 65536))  # the limit: 1 MiB
            assert refused.status_code == 413, refused.text
            assert refused.json()["error"]["code"] == "request_too_large"
            assert received == [], "nothing was passed on"
            passed = await http.post(url, content=chunked(65536))
            assert passed.status_code == 200 and received == [65536]
    finally:
        registry.delete("realtalk:call:rtc_elsewhere")
        registry.close()
        owner.shutdown()
        owner.server_close()


async def test_the_task_page_hears_changes_made_on_any_node(cluster: Cluster) -> None:
    a, _, c = cluster.nodes
    async with (
        httpx.AsyncClient(headers=AUTH, timeout=10) as http,
        http.stream("GET", f"{c.http_url}/apps/tasks/api/events") as stream,
    ):
        lines = stream.aiter_lines()

        async def next_tasks() -> list[dict[str, object]]:
            async for line in lines:
                if line.startswith("data:"):
                    return list(json.loads(line[5:]))
            raise AssertionError("the stream ended")

        await asyncio.wait_for(next_tasks(), 10)
        made = await http.post(f"{a.http_url}/apps/tasks/api/tasks", json={"title": "buy rope on node A"})
        assert made.status_code == 201
        tasks = await asyncio.wait_for(next_tasks(), 5)
        assert "buy rope on node A" in [t["title"] for t in tasks]


async def test_drain_moves_new_sessions_and_ends_live_ones_cleanly(cluster: Cluster) -> None:
    async with realtime(cluster.balancer, conversation_id="drained-call") as conn:  # type: ignore[arg-type]
        acknowledged = [await say(conn, "before the drain")]
        owner = await _owner(cluster.nodes)
        assert owner.process is not None
        owner.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(2.5)  # HAProxy: two failed checks a second apart mark it down
        async with realtime(cluster.balancer) as fresh:  # type: ignore[arg-type]
            assert fresh.events[0]["type"] == "session.created"  # on another node
        acknowledged.append(await say(conn, "during the drain"))
        final = await conn.until("error", timeout=DRAIN_S + 10)
        assert final["error"]["code"] == "server_shutting_down"
        with pytest.raises(ConnectionClosed) as closed:
            await conn.next(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
    # What a client does then: reconnect through the balancer with its conversation id.
    async with realtime(cluster.balancer, conversation_id="drained-call") as again:  # type: ignore[arg-type]
        replayed = [(await again.until("conversation.item.done"))["item"]["id"] for _ in acknowledged]
    assert replayed == acknowledged
    owner.process.wait(10)
    owner.process = None
    cluster.restart(owner)  # back in the pool in a while


async def _reconnect(balancer: Balancer, conversation_id: str, items: int) -> list[str]:
    """What a client does after losing its node: reconnect with its conversation id, retrying a
    503 (no node ready for a moment) after a short pause; the restored item ids."""
    for _ in range(50):
        try:
            async with realtime(balancer, conversation_id=conversation_id) as conn:  # type: ignore[arg-type]
                return [(await conn.until("conversation.item.done"))["item"]["id"] for _ in range(items)]
        except InvalidStatus as refused:
            assert refused.response.status_code == 503, refused
            await asyncio.sleep(0.2)
    raise AssertionError("no node took the session in 10 s")


async def test_kill_9_mid_call_then_reconnect_and_restore(cluster: Cluster) -> None:
    acknowledged: list[str] = []
    reconnect_s: list[float] = []
    for kill in range(2):  # of three nodes (the drained one back by the second): one stays up
        async with realtime(cluster.balancer, conversation_id="killed-call") as conn:  # type: ignore[arg-type]
            replayed = [(await conn.until("conversation.item.done"))["item"]["id"] for _ in acknowledged]
            assert replayed == acknowledged  # nothing acknowledged was lost
            acknowledged.append(await say(conn, f"before kill {kill}"))
            victim = await _owner(cluster.nodes)
            victim.kill()
            killed = time.monotonic()
            with pytest.raises(ConnectionClosed):
                await conn.next(timeout=10)
        replayed = await _reconnect(cluster.balancer, "killed-call", len(acknowledged))
        reconnect_s.append(time.monotonic() - killed)
        assert replayed == acknowledged
        await cluster.restarted()  # the drained node: two up for the next kill
    print(
        f"\nkill -9 -> restored through haproxy: median {statistics.median(reconnect_s) * 1000:.0f} ms, "
        f"max {max(reconnect_s) * 1000:.0f} ms over {len(reconnect_s)} kills; "
        f"{len(acknowledged)} acknowledged items, 0 lost"
    )
