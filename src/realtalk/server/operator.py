"""The operator's view: `GET /v1/realtalk/operator` (JSON, master key only) and its page at
`/operator` (a public shell that asks for the key, like the voice app asks for its token).

Live sessions and capacity, recent latency percentiles per stage, refusals, and what each API key's
sessions cost today (from the conversation store, so it holds across restarts).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from ..web import STATIC_DIR
from .auth import AuthError
from .state import AppState

PAGE = "/operator"


def operator_router(state: AppState) -> APIRouter:
    router = APIRouter()

    @router.get(PAGE, include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "operator.html", headers={"Cache-Control": "no-cache"})

    @router.get("/v1/realtalk/operator")
    async def summary(request: Request) -> JSONResponse:
        if request.state.credential.kind != "master":
            denial = AuthError("The operator view needs the master API key.", "insufficient_scope")
            return JSONResponse(denial.to_json(), status_code=403)
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        costs = await asyncio.to_thread(state.store.costs_by_key, today)
        body: dict[str, Any] = {
            "capacity": {
                "max_sessions": state.capacity.max_sessions,
                "live": dict(state.capacity.live),
                "loop_lag_ms": round(state.capacity.lag.ms, 1),
                "queue_wait_ms": round(state.capacity.queue.ms, 1),
            },
            "latency": state.metrics.percentiles(),
            "refused": state.metrics.refusals(),
            "currency": state.prices.currency,
            "costs_today": [
                {
                    "key_id": key,
                    "sessions": count,
                    "total": round(total, 6),
                    "hosted_realtime": round(hosted, 6),
                }
                for key, (count, total, hosted) in sorted(costs.items())
            ],
        }
        return JSONResponse(body)

    return router
