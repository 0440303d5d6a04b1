"""Joining through the JSON API with the code people are given in the room."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.web.problems import NoSuchSession
from tests.support.api import REMOTE_CLIENT, bearer, in_process, new_session

pytestmark = pytest.mark.anyio


async def test_the_join_code_alone_finds_the_session(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    code = created["join_code"]

    joined = await api.post(f"/api/join/{code.lower()}", json={"name": "Priya"})

    assert joined.status_code == 201, joined.text
    body = joined.json()
    assert body["session_id"] == created["session_id"]
    assert body["waiting_room"] is True
    own = await api.get(f"/api/sessions/{body['session_id']}/view", headers=bearer(body["token"]))
    assert own.json()["you"] == own.json()["you"] | {"id": body["participant_id"], "name": "Priya"}
    assert own.json()["you"]["presence"] == "waiting_room"


async def test_an_unknown_code_is_the_one_wording_for_a_missing_session(
    api: httpx.AsyncClient,
) -> None:
    refused = await api.post("/api/join/NOPE42", json={"name": "Priya"})
    assert refused.status_code == 404
    assert refused.json() == NoSuchSession().body.model_dump()


async def test_joining_by_code_keeps_the_session_s_door_and_word(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    sid, code = created["session_id"], created["join_code"]
    sam = bearer(created["facilitators"][0]["token"])
    commands = f"/api/sessions/{sid}/commands"
    await api.post(
        commands, json={"type": "set_join_word", "id": "w", "word": "willow"}, headers=sam
    )

    without_word = await api.post(f"/api/join/{code}", json={"name": "Priya"})
    with_word = await api.post(f"/api/join/{code}", json={"name": "Priya", "word": "Willow"})
    await api.post(commands, json={"type": "set_joining", "id": "c", "open": False}, headers=sam)
    door_closed = await api.post(f"/api/join/{code}", json={"name": "Tom", "word": "willow"})

    assert without_word.status_code == 409
    assert (
        without_word.json()["message"] == "Please type the word the facilitators said in the room."
    )
    assert with_word.status_code == 201, with_word.text
    assert door_closed.status_code == 409
    assert "not taking new people" in door_closed.json()["message"]


async def test_guessing_codes_through_the_api_is_limited(tmp_path: Path) -> None:
    """Each try counts against the address's joins, a wrong code as much as a right one."""
    async with in_process(tmp_path, client=REMOTE_CLIENT) as remote:
        for guess in range(30):
            wrong = await remote.post(f"/api/join/WRONG{guess}", json={"name": "Priya"})
            assert wrong.status_code == 404
        refused = await remote.post("/api/join/WRONG99", json={"name": "Priya"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "slow_down"
    assert "Retry-After" in refused.headers
