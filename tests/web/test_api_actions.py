"""Housekeeping actions through the JSON API: the console form's rules, for a facilitator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.carry_over import ActionKind
from app.config import Settings
from app.main import create_app
from app.web.account_services import AccountServices
from app.web.api_actions import NOT_A_GROUPS_SESSION
from tests.support.api import as_a_groups_session, bearer, client_of, join, new_session

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path))


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(app) as client:
        yield client


def accounts_of(app: FastAPI) -> AccountServices:
    accounts: AccountServices = app.state.account_services
    return accounts


def next_week(app: FastAPI) -> str:
    return (accounts_of(app).today() + timedelta(weeks=1)).isoformat()


async def record(api: httpx.AsyncClient, session_id: str, token: str, **fields: Any) -> Any:
    return await api.post(f"/api/sessions/{session_id}/actions", json=fields, headers=bearer(token))


async def test_a_facilitator_records_an_action_the_group_keeps(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    group_id = as_a_groups_session(app, sid)
    fields = {"kind": "seek_news", "detail": " Ask after Tom ", "peer_name": "Tom"}

    recorded = await record(api, sid, sam, **fields, due_on=next_week(app))

    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert {k: body[k] for k in ("kind", "detail", "peer_name", "due_on")} == {
        **fields,
        "detail": "Ask after Tom",
        "due_on": next_week(app),
    }
    (kept,) = accounts_of(app).groups.actions(group_id)
    assert (kept.id, kept.kind, kept.peer_name) == (body["id"], ActionKind.SEEK_NEWS, "Tom")


async def test_the_form_s_rules_are_told_kindly_and_nothing_is_kept(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    group_id = as_a_groups_session(app, sid)
    yesterday = (accounts_of(app).today() - timedelta(days=1)).isoformat()
    tries = [
        ({"kind": "handout", "detail": "Grief leaflet", "due_on": yesterday}, "already passed"),
        ({"kind": "seek_news", "detail": "Ask after him", "due_on": next_week(app)}, "name"),
        ({"kind": "handout", "detail": "  ", "due_on": next_week(app)}, "what was agreed"),
    ]
    for fields, said in tries:
        refused = await record(api, sid, sam, **fields)
        assert refused.status_code == 422, fields
        assert refused.json()["code"] == "invalid"
        assert said in refused.json()["message"]
    assert accounts_of(app).groups.actions(group_id) == []


async def test_only_a_facilitator_of_that_session_may_record(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    created = await new_session(api)
    other = await new_session(api, ("Zed",))
    sid = created["session_id"]
    group_id = as_a_groups_session(app, sid)
    priya = await join(api, sid, "Priya")
    fields = {"kind": "handout", "detail": "Grief leaflet", "due_on": next_week(app)}
    for token, status in [
        (priya["token"], 403),
        (created["room"]["token"], 403),
        (other["facilitators"][0]["token"], 403),
        ("not a token", 401),
    ]:
        refused = await record(api, sid, token, **fields)
        assert refused.status_code == status
        assert refused.json()["code"] == "not_allowed"
    anonymous = await api.post(f"/api/sessions/{sid}/actions", json=fields)
    assert anonymous.status_code == 401
    assert accounts_of(app).groups.actions(group_id) == []


async def test_a_one_off_session_has_no_next_meeting_to_carry_an_action_to(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    fields = {"kind": "next_meeting", "detail": "Same hall", "due_on": next_week(app)}
    refused = await record(api, sid, sam, **fields)
    assert refused.status_code == 409
    assert refused.json() == {"code": "invalid", "message": NOT_A_GROUPS_SESSION}
