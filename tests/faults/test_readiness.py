"""/readyz answers calmly for each dependency that does not answer; /healthz only for itself."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.store.database import create_database_engine
from app.web import health
from tests.support.api import client_of

pytestmark = pytest.mark.anyio


async def test_one_process_is_ready_when_its_database_answers(tmp_path: Path) -> None:
    async with client_of(create_app(Settings(data_dir=tmp_path))) as api:
        ready = await api.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}
        assert (await api.get("/healthz")).json() == {"status": "ok"}


async def test_a_database_that_does_not_answer_makes_the_process_wait() -> None:
    app = FastAPI()
    app.include_router(health.router)
    # Nothing listens on port 1: the connection is refused at once.
    nowhere = create_database_engine("postgresql://postgres@127.0.0.1:1/test")

    async def hangs() -> None:
        await asyncio.sleep(60)

    app.state.readiness = health.Readiness(
        {"database": health.database_check(nowhere), "redis": hangs}
    )
    async with client_of(app) as api:
        async with asyncio.timeout(health.CHECK_TIMEOUT_S + 1):
            waiting = await api.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.json() == {
            "status": "waiting",
            "message": "Waiting for database and redis to answer; this process keeps trying.",
            "checks": {"database": "not answering", "redis": "not answering"},
        }
        assert (await api.get("/healthz")).status_code == 200
    nowhere.dispose()
