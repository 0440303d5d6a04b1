"""One kind of refusal, told to each kind of caller: JSON to scripts, a calm page to people."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.web.problems import NoSuchSession, Problem

pytestmark = pytest.mark.anyio

NO_SUCH_SESSION = (
    "We couldn't find that session. "
    "Please check the link or code with your facilitator and try again."
)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(data_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize(
    "path",
    ["/s/nope/console", "/s/nope/me", "/s/nope/room", "/s/nope/summary", "/join/NOPE23"],
)
async def test_people_are_told_one_way_that_a_session_is_not_there(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.get(path)
    assert answer.status_code == 404
    text = html.unescape(answer.text)
    assert "<h1>We couldn't find that session</h1>" in text
    assert "Please check the link or code with your facilitator and try again." in text


@pytest.mark.parametrize(
    "path", ["/api/sessions/nope/view", "/s/nope/summary.json", "/s/nope/summary/airtime.csv"]
)
async def test_scripts_are_told_the_same_words_as_json(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 404
    assert answer.json() == {"code": "not_found", "message": NO_SUCH_SESSION}


def test_a_websocket_is_closed_with_the_status_in_the_4000s_and_the_same_words() -> None:
    missing = NoSuchSession()
    assert (missing.close_code, missing.reason) == (4404, NO_SUCH_SESSION)
    long_one = Problem("Kia ora, whānau. " * 20, status=401)
    assert long_one.close_code == 4401
    assert 110 < len(long_one.reason.encode()) <= 120


def test_a_page_heading_never_replaces_a_problems_own_title() -> None:
    headed = NoSuchSession().on_page("This page is for facilitators")
    assert headed.heading == "We couldn't find that session"
    plain = Problem("Please open the link.", status=401).on_page("This link doesn't work")
    assert (plain.heading, plain.text) == ("This link doesn't work", "Please open the link.")
