"""The database away for a moment: people and scripts get a calm 503 to retry, not a 500."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.main import create_app
from app.web.outages import MESSAGE, RETRY_AFTER_S, TITLE

pytestmark = pytest.mark.anyio


def database_away(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("SELECT", {}, Exception("could not connect to server"))


@pytest.fixture
async def app_without_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(Settings(data_dir=tmp_path))
    sessions = app.state.services.registry.sessions
    monkeypatch.setattr(sessions, "by_join_code", database_away)
    monkeypatch.setattr(sessions, "create", database_away)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield app, client


async def test_a_page_says_calmly_to_try_again(
    app_without_database: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _app, client = app_without_database
    response = await client.get("/join/ABC234")
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_S)
    text = html.unescape(response.text)
    assert TITLE in text
    assert MESSAGE in text
    assert "Traceback" not in response.text


async def test_a_script_gets_a_problem_it_can_act_on(
    app_without_database: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _app, client = app_without_database
    response = await client.post(
        "/api/sessions",
        json={"title": "Tuesday", "group_name": "Riverside", "facilitator_names": ["Sam"]},
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_S)
    assert response.json() == {"code": "unavailable", "message": f"{TITLE}. {MESSAGE}"}
