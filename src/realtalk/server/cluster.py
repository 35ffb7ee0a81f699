"""Many nodes as one service, through Redis (`REALTALK_REDIS_URL`); unset, a node keeps all this in memory.

What the nodes share, and how:

- Client secrets: a secret minted on one node is written to Redis (expiring with the secret)
  before the response that carries it leaves; a node that is shown a secret it does not know
  reads it from Redis first. So a browser may open its session on any node.
- Live WebRTC calls: call id → the owning node's URL (`REALTALK_NODE_URL`), written before the
  call's SDP answer leaves and refreshed while the call lives (a crashed node's calls expire).
  A hang-up or a sideband join that lands on another node is **proxied** to the owner: the media
  and the session live there, nodes reach each other on the internal network that browsers and
  backends need not see, and a WebSocket client cannot be relied on to follow a redirect. The
  caller's own credentials travel with it, so the owner decides as if asked directly.
- Change notices (the task page): every node publishes on a Redis channel, and every node's
  live pages hear every node's changes.

Writes are flushed before the response that reveals them, by `ClusterGate`, the ASGI middleware
that also proxies and looks secrets up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs

import httpx
import websockets
from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .auth import presented_key
from .client_secrets import DEFAULT_TTL_S, ClientSecret, ClientSecrets

if TYPE_CHECKING:
    from .calls import Call

log = logging.getLogger(__name__)

PREFIX = "realtalk:"
CALL_TTL_S = 15
"""A call's registration outlives its node by at most this long (refreshed every third of it)."""
FORWARDED_HEADERS = ("authorization", "cookie", "origin", "openai-beta", "content-type")
"""What a proxied request keeps: the caller's credentials and what the owner's routes read."""
PROXY_TIMEOUT_S = 10.0
CHANGES_QUEUE = 64
"""Local changes waiting to be published; a page re-reads the whole list, so dropping is safe."""


class Announcer(Protocol):
    """Something that announces changes to local listeners (`apps.tasks.changes.Changes`)."""

    relays: list[Callable[[], None]]
    """Called (from any thread) after each local change."""

    def notify(self) -> None:
        """Tell this node's listeners only (a change another node made)."""


class SharedCalls(dict[str, "Call"]):
    """`AppState.calls` that remembers which ids came and went, for the cluster to write."""

    def __init__(self) -> None:
        super().__init__()
        self.added: set[str] = set()
        self.removed: set[str] = set()
        self.changed = asyncio.Event()
        """Set on every change: calls that start outside an HTTP request (a Twilio stream) are
        written at once, not at the next refresh."""

    def __setitem__(self, call_id: str, call: Call) -> None:
        super().__setitem__(call_id, call)
        self.added.add(call_id)
        self.changed.set()

    def pop(self, call_id: str, *default: Any) -> Any:
        if call_id in self:
            self.removed.add(call_id)
            self.added.discard(call_id)
            self.changed.set()
        return super().pop(call_id, *default)


class SharedClientSecrets(ClientSecrets):
    """Client secrets that remember which ones this node minted but has not yet written."""

    def __init__(self) -> None:
        super().__init__()
        self.unwritten: list[ClientSecret] = []

    def mint(self, session: dict[str, Any], owner: str, ttl_s: int = DEFAULT_TTL_S) -> ClientSecret:
        secret = super().mint(session, owner, ttl_s)
        self.unwritten.append(secret)
        return secret


class Cluster:
    """This node's link to the others (see the module docstring)."""

    def __init__(self, redis: Redis, node_url: str) -> None:
        self.redis = redis
        self.node_url = node_url.rstrip("/")
        self.node_id = secrets.token_hex(8)
        self.secrets = SharedClientSecrets()
        self.calls = SharedCalls()
        self._shared: dict[str, Announcer] = {}
        self._outgoing: asyncio.Queue[str] = asyncio.Queue(CHANGES_QUEUE)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._http = httpx.AsyncClient(timeout=PROXY_TIMEOUT_S)

    async def ping(self) -> None:
        await self.redis.ping()

    async def flush(self) -> None:
        """Write what this node minted and which calls it took on or ended."""
        minted, self.secrets.unwritten = self.secrets.unwritten, []
        added, removed = list(self.calls.added), list(self.calls.removed)
        self.calls.added.clear()
        self.calls.removed.clear()
        if not (minted or added or removed):
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for secret in minted:
                record = {"expires_at": secret.expires_at, "session": secret.session, "owner": secret.owner}
                # Kept an hour past expiry, like the local table, so late clients hear "expired".
                ttl = max(1, secret.expires_at - int(self.secrets.clock()) + 3600)
                pipe.set(PREFIX + "secret:" + secret.value, json.dumps(record), ex=ttl)
            for call_id in added:
                pipe.set(PREFIX + "call:" + call_id, self.node_url, ex=CALL_TTL_S)
            for call_id in removed:
                pipe.delete(PREFIX + "call:" + call_id)
            await pipe.execute()

    async def announce(self, call_id: str, ttl_s: float) -> None:
        """Register a call this node holds before it is live (a ringing SIP call, whose webhook
        may be answered through any node); once live, `calls` keeps it registered."""
        await self.redis.set(PREFIX + "call:" + call_id, self.node_url, ex=max(1, int(ttl_s)))

    async def learn_secret(self, value: str) -> None:
        """Make a secret minted by another node known here (if Redis has it)."""
        if self.secrets.check(value)[0] != "unknown":
            return
        raw = await self.redis.get(PREFIX + "secret:" + value)
        if raw is not None:
            record = json.loads(raw)
            secret = ClientSecret(value, int(record["expires_at"]), record["session"], record["owner"])
            self.secrets.remember(secret)

    async def owner(self, call_id: str) -> str | None:
        """The URL of the node that holds the call, if another node does."""
        if call_id in self.calls:
            return None
        raw = await self.redis.get(PREFIX + "call:" + call_id)
        url = raw.decode() if raw is not None else None
        return url if url != self.node_url else None

    def share(self, channel: str, changes: Announcer) -> None:
        """Relay `changes` to and from every node on `channel`."""
        self._shared[channel] = changes
        changes.relays.append(lambda: self._queue_change(channel))

    def _queue_change(self, channel: str) -> None:
        # Any thread may publish a change; the loop's task writes it to Redis.
        if self._loop is not None:
            self._loop.call_soon_threadsafe(_put_if_room, self._outgoing, channel)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The background work for the app's lifetime: refreshing calls and relaying changes."""
        self._loop = asyncio.get_running_loop()
        tasks = [asyncio.create_task(self._refresh()), asyncio.create_task(self._publish_changes())]
        if self._shared:
            tasks.append(asyncio.create_task(self._hear_changes()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.calls:
                with contextlib.suppress(Exception):  # Redis may be gone already: the keys expire
                    await self.redis.delete(*(PREFIX + "call:" + call_id for call_id in self.calls))
            await self._http.aclose()  # (the connection to Redis is closed with the rate-limit counters)

    async def _refresh(self) -> None:
        """Write changes as they happen, and every live call's registration every third of its TTL."""
        next_refresh = 0.0
        while True:
            try:
                await self.flush()
                if time.monotonic() >= next_refresh:
                    next_refresh = time.monotonic() + CALL_TTL_S / 3
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for call_id in self.calls:
                            pipe.set(PREFIX + "call:" + call_id, self.node_url, ex=CALL_TTL_S)
                        await pipe.execute()
            except Exception as exc:  # Redis away for a while: try again, calls go on
                log.warning("cluster: refreshing the call registry failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, next_refresh - time.monotonic())):
                    await self.calls.changed.wait()
            self.calls.changed.clear()

    async def _publish_changes(self) -> None:
        while True:
            channel = await self._outgoing.get()
            try:
                await self.redis.publish(PREFIX + "changes:" + channel, self.node_id)
            except Exception as exc:
                log.warning("cluster: publishing a change on %s failed: %s", channel, exc)

    async def _hear_changes(self) -> None:
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(*(PREFIX + "changes:" + name for name in self._shared))
                    async for message in pubsub.listen():
                        if message["type"] != "message" or message["data"].decode() == self.node_id:
                            continue
                        channel = message["channel"].decode().removeprefix(PREFIX + "changes:")
                        self._shared[channel].notify()
            except Exception as exc:
                log.warning("cluster: listening for changes failed (retrying): %s", exc)
                await asyncio.sleep(1)

    async def proxy_http(self, owner: str, request: Request) -> Response:
        """Send `request` to the node that owns its call; its answer, as it gave it."""
        headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
        headers["host"] = request.headers.get("host", "")
        answer = await self._http.request(
            request.method, owner + request.url.path, headers=headers, content=await request.body()
        )
        kept = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "retry-after")}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    async def proxy_websocket(self, owner: str, websocket: WebSocket) -> None:
        """Relay a sideband WebSocket to the owning node, frame by frame, both ways."""
        headers = {name: websocket.headers[name] for name in FORWARDED_HEADERS if name in websocket.headers}
        offered = [
            p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()
        ]
        url = "ws" + owner.removeprefix("http") + websocket.url.path + "?" + websocket.url.query
        try:
            upstream = await websockets.connect(
                url,
                additional_headers=headers,
                subprotocols=offered or None,  # type: ignore[arg-type]
                max_size=32 * 1024 * 1024,
                open_timeout=PROXY_TIMEOUT_S,
            )
        except InvalidStatus as refused:
            await websocket.send_denial_response(
                Response(refused.response.body or b"", status_code=refused.response.status_code,
                         media_type="application/json")
            )  # fmt: skip
            return
        async with upstream:
            await websocket.accept(subprotocol=upstream.subprotocol)
            await _relay(websocket, upstream)


async def _relay(websocket: WebSocket, upstream: Any) -> None:
    async def down() -> None:
        async for frame in upstream:
            await websocket.send_text(frame) if isinstance(frame, str) else await websocket.send_bytes(frame)

    async def up() -> None:
        while True:
            await upstream.send(await websocket.receive_text())

    tasks = [asyncio.create_task(down()), asyncio.create_task(up())]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    code = upstream.close_code or 1000
    await upstream.close()
    with contextlib.suppress(Exception):
        await websocket.close(code)


def _put_if_room(queue: asyncio.Queue[str], channel: str) -> None:
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(channel)


class ClusterGate:
    """ASGI middleware: learn presented secrets, proxy other nodes' calls, flush before answering."""

    def __init__(self, app: ASGIApp, cluster: Cluster) -> None:
        self.app = app
        self.cluster = cluster

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cluster = self.cluster
        key = presented_key(Request(scope) if scope["type"] == "http" else WebSocket(scope, receive, send))
        if key and key.startswith("ek_"):
            with contextlib.suppress(Exception):  # Redis away: the key is unknown here, said as such
                await cluster.learn_secret(key)
        call_id = _call_of(scope)
        owner = await cluster.owner(call_id) if call_id else None
        if owner is not None:
            if scope["type"] == "http":
                response = await cluster.proxy_http(owner, Request(scope, receive))
                await response(scope, receive, send)
            else:
                with contextlib.suppress(WebSocketDisconnect, ConnectionClosed):
                    await cluster.proxy_websocket(owner, WebSocket(scope, receive, send))
            return

        async def flushing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                await cluster.flush()  # what this request minted or opened, before anyone hears of it
            await send(message)

        await self.app(scope, receive, flushing_send)


CALL_CONTROL = re.compile(r"/v1/realtime/calls/([^/]+)/(?:hangup|accept|reject|refer)")
"""OpenAI's call-control routes (WebRTC, SIP, Twilio calls alike)."""


def _call_of(scope: Scope) -> str | None:
    """The call id of a call-control request or a sideband join, which must reach the call's node."""
    path: str = scope["path"]
    if scope["type"] == "http" and (control := CALL_CONTROL.fullmatch(path)):
        return control.group(1)
    if scope["type"] == "websocket" and path == "/v1/realtime":
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("call_id")
        return values[0] if values else None
    return None


def node_url(host: str, port: int, configured: str | None, tls: bool) -> str:
    """Where the other nodes reach this one: `REALTALK_NODE_URL`, else this host and port."""
    if configured:
        return configured
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"{'https' if tls else 'http'}://{reachable}:{port}"
