"""`GET /readyz`: whether this node should be sent new sessions (the load balancer's check).

`/healthz` says the process is alive and its models loaded; `/readyz` adds everything a new
session needs from outside the process, and whether the node wants one: the store (and Redis, when
configured) answer, the node is not draining, and it is below capacity. Both are unauthenticated
and say nothing secret.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi.responses import JSONResponse

from .capacity import Refusal
from .state import AppState

CHECK_TIMEOUT_S = 2.0
"""A dependency slower than this to answer counts as down: balancers probe every few seconds."""


async def readiness(state: AppState) -> JSONResponse:
    checks: dict[str, str] = {
        "models": "ok" if state.ready.is_set() else (state.load_error or "loading"),
        "store": await _probe(asyncio.to_thread(state.store.ping)),
        "draining": "yes" if state.drain.draining else "no",
    }
    if state.cluster is not None:
        checks["redis"] = await _probe(state.cluster.ping())
    try:
        state.capacity.check()
        checks["capacity"] = "ok"
    except Refusal as full:  # at its session cap or overloaded: let other nodes take new calls
        checks["capacity"] = full.code
    ok = checks["models"] == "ok" and not state.drain.draining
    ok = ok and all(checks[name] == "ok" for name in ("store", "redis", "capacity") if name in checks)
    body = {"status": "ready" if ok else "unready", "live_sessions": len(state.drain.live), "checks": checks}
    return JSONResponse(body, status_code=200 if ok else 503)


async def _probe(check: Awaitable[None]) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            await check
    except TimeoutError:
        return f"no answer in {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return "ok"
