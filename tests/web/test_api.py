"""The JSON API in-process (httpx over ASGI): sessions, joining, views and commands."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api import bearer, new_session

pytestmark = pytest.mark.anyio


async def test_create_join_admit_and_read_views(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    sid = created["session_id"]
    assert [f["name"] for f in created["facilitators"]] == ["Sam", "Ana"]
    assert created["join_url"].endswith(f"/join/{created['join_code']}")
    joined = (await api.post(f"/api/sessions/{sid}/participants", json={"name": " Priya "})).json()
    sam = bearer(created["facilitators"][0]["token"])
    admitted = await api.post(
        f"/api/sessions/{sid}/commands",
        json={"type": "admit", "id": "a1", "participant_id": joined["participant_id"]},
        headers=sam,
    )
    assert admitted.json() == {"status": "accepted", "version": 3}
    own = (await api.get(f"/api/sessions/{sid}/view", headers=bearer(joined["token"]))).json()
    assert own["role"] == "participant"
    assert own["you"]["name"] == "Priya"
    assert own["you"]["presence"] == "present"
    room = await api.get(f"/api/sessions/{sid}/view", headers=bearer(created["room"]["token"]))
    assert room.json()["role"] == "room"
    assert "participants" not in room.json()


async def test_duplicate_and_stale_commands(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    url = f"/api/sessions/{created['session_id']}/commands"
    sam = bearer(created["facilitators"][0]["token"])
    ana = bearer(created["facilitators"][1]["token"])
    first = await api.post(url, json={"type": "start_session", "id": "s1"}, headers=sam)
    again = await api.post(url, json={"type": "start_session", "id": "s1"}, headers=sam)
    assert first.json() == {"status": "accepted", "version": 2}
    assert again.json() == {"status": "already_done", "version": 2}
    stale = await api.post(
        url, json={"type": "advance_stage", "id": "s2", "expected_version": 1}, headers=ana
    )
    assert stale.status_code == 409
    assert stale.json() == {"code": "stale", "message": "Sam already moved to “Welcome”."}


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer forged"}, 401), ({"Authorization": "Basic x"}, 401)],
)
async def test_commands_need_a_valid_token(
    api: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    created = await new_session(api)
    response = await api.post(
        f"/api/sessions/{created['session_id']}/commands",
        json={"type": "start_session", "id": "x"},
        headers=headers,
    )
    assert response.status_code == status
    assert response.json()["code"] == "not_allowed"


async def test_the_room_and_participants_cannot_run_the_session(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    url = f"/api/sessions/{created['session_id']}/commands"
    room = await api.post(
        url, json={"type": "start_session", "id": "r"}, headers=bearer(created["room"]["token"])
    )
    assert room.status_code == 403
    assert room.json()["message"] == "The room view can only watch."


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 10_000, 42], ids=["empty", "blank", "ten-thousand", "number"]
)
async def test_names_are_checked(api: httpx.AsyncClient, name: object) -> None:
    created = await new_session(api)
    response = await api.post(
        f"/api/sessions/{created['session_id']}/participants", json={"name": name}
    )
    assert response.status_code == 422


async def test_markup_in_names_is_kept_as_text(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    sid = created["session_id"]
    name = "<b>Jo</b>"
    joined = (await api.post(f"/api/sessions/{sid}/participants", json={"name": name})).json()
    view = (await api.get(f"/api/sessions/{sid}/view", headers=bearer(joined["token"]))).json()
    assert view["you"]["name"] == name


async def test_unknown_sessions_and_templates(api: httpx.AsyncClient) -> None:
    missing = await api.post("/api/sessions/nope/participants", json={"name": "Jo"})
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "We couldn't find that session. "
        "Please check the link or code with your facilitator and try again.",
    }
    bad_template = await api.post(
        "/api/sessions",
        json={"title": "T", "group_name": "G", "template_key": "nope", "facilitator_names": ["S"]},
    )
    assert bad_template.status_code == 422


async def test_openapi_documents_the_commands(api: httpx.AsyncClient) -> None:
    schema = (await api.get("/openapi.json")).json()
    assert "/api/sessions/{session_id}/commands" in schema["paths"]
    names = set(schema["components"]["schemas"])
    assert {"Share", "Pass", "PassForNow", "StartRound", "FacilitatorView"} <= names
    assert (await api.get("/docs")).status_code == 200
    assert [t["key"] for t in (await api.get("/api/templates")).json()] == [
        "peer-support-plus-weekly",
        "stronger-together-grief-support",
        "tautoko-tane-wellbeing",
        "education-guest-speaker",
        "social-activity",
    ]
