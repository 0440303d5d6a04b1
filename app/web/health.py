"""Liveness, readiness and metrics, for a load balancer, an orchestrator and Prometheus.

`/healthz`: the process is serving requests (restart it if not). `/readyz`: it can do its work
right now — the database answers, and Redis too when configured (send it no new traffic if not;
its open screens keep being served while it waits). `/metrics`: Prometheus text format, behind
a bearer token when PEER_ROUNDS_METRICS_TOKEN is set (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import anyio
import sqlalchemy
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app.web.services import Services

# Raises (or hangs) when the dependency does not answer.
Check = Callable[[], Awaitable[None]]
# Probes come every few seconds; an answer slower than this is as good as none.
CHECK_TIMEOUT_S = 2.0

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Readiness:
    checks: Mapping[str, Check]


def database_check(engine: sqlalchemy.Engine) -> Check:
    async def check() -> None:
        # Abandoned on timeout: the thread finishes on its own, the probe answers in time.
        await to_thread.run_sync(_select_one, engine, abandon_on_cancel=True)

    return check


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    readiness: Readiness = request.app.state.readiness
    names = list(readiness.checks)
    answers = await asyncio.gather(*(_answers(readiness.checks[name]) for name in names))
    checks = {
        name: "ok" if ok else "not answering" for name, ok in zip(names, answers, strict=True)
    }
    waiting = [name for name, ok in zip(names, answers, strict=True) if not ok]
    if not waiting:
        return JSONResponse({"status": "ready", "checks": checks})
    return JSONResponse(
        {
            "status": "waiting",
            "message": f"Waiting for {' and '.join(waiting)} to answer; this process keeps trying.",
            "checks": checks,
        },
        status_code=503,
    )


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    svc: Services = request.app.state.services
    wanted = svc.settings.metrics_token
    if wanted is not None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {wanted}".encode()):
            return JSONResponse(
                {"status": "unauthorized", "message": "Metrics need the metrics token."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
    return Response(svc.registry.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


async def _answers(check: Check) -> bool:
    try:
        with anyio.fail_after(CHECK_TIMEOUT_S):
            await check()
    # Whatever went wrong, the answer to "ready?" is no; the reason belongs in that service's logs.
    except Exception:
        return False
    return True


def _select_one(engine: sqlalchemy.Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text("SELECT 1"))
