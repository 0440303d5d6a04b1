"""A group's support resources on its page (issue 17), on SQLite and PostgreSQL: a new group
starts with placeholders marked "Not confirmed"; a facilitator checks and confirms each (with
the real words), adds and removes them; only confirmed ones go into the next session, where
the person who asks for support is shown them on their own phone."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from app.groups.support_resources import PLACEHOLDERS
from app.session.command_base import Role
from app.session.views import view_for
from app.web.links import join_session
from app.web.local_time import date_words
from app.web.services import Services
from tests.groups.test_groups_web import group_id, start_session
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio

SAMARITANS = {
    "name": "Samaritans",
    "how_to_reach": "Call 116 123 (free)",
    "when_available": "Day and night, every day",
}


async def test_a_new_group_starts_with_placeholders_marked_not_confirmed(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        page = await client.get(path)

    resources = groups_of(app).support_resources(group_id(path))
    assert [r.name for r in resources] == [p.name for p in PLACEHOLDERS]
    assert all(r.confirmed_on is None for r in resources)
    assert page.text.count("Not confirmed: nobody is shown this yet") == len(PLACEHOLDERS)


async def test_confirming_keeps_the_checked_words_and_only_confirmed_ones_reach_a_session(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        crisis_line = groups_of(app).support_resources(group_id(path))[0]
        confirmed = await post(
            client, f"{path}/support-resources/{crisis_line.id}/confirm", **SAMARITANS
        )
        page = await client.get(path)
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        priya = await join_session(svc, hub, "Priya")

    assert confirmed.status_code == 303
    kept = groups_of(app).support_resources(group_id(path))[0]
    assert (kept.id, kept.name, kept.how_to_reach, kept.confirmed_on) == (
        crisis_line.id,
        "Samaritans",
        "Call 116 123 (free)",
        today(),
    )
    assert f"· confirmed {date_words(today())}" in page.text
    assert [r.name for r in hub.state.support_resources] == ["Samaritans"]
    phone = view_for(hub.state, Role.PARTICIPANT, priya.participant_id)
    room = view_for(hub.state, Role.ROOM)
    assert "Samaritans" in phone.model_dump_json()
    assert "Samaritans" not in room.model_dump_json()


async def test_todays_session_is_told_of_a_resource_confirmed_after_it_started(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        before = list(hub.state.support_resources)
        crisis_line = groups_of(app).support_resources(group_id(path))[0]
        await post(client, f"{path}/support-resources/{crisis_line.id}/confirm", **SAMARITANS)
        confirmed = [r.name for r in hub.state.support_resources]
        await post(client, f"{path}/support-resources/{crisis_line.id}/remove")

    assert before == []
    assert confirmed == ["Samaritans"]
    assert list(hub.state.support_resources) == []


async def test_a_resource_typed_wrong_is_refused_and_nothing_typed_is_lost(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        before = groups_of(app).support_resources(group_id(path))
        empty = await post(
            client, f"{path}/support-resources", **{**SAMARITANS, "how_to_reach": "  "}
        )
        checked = await post(
            client,
            f"{path}/support-resources/{before[0].id}/confirm",
            **{**SAMARITANS, "name": "Line\u202e"},
        )

    assert (empty.status_code, checked.status_code) == (422, 422)
    assert "Please enter how to reach it." in empty.text
    assert 'value="Day and night, every day"' in empty.text
    assert "Please check its name" in checked.text
    assert re.search(r"<details class=\"guideline-edit\" open>", checked.text)
    assert groups_of(app).support_resources(group_id(path)) == before


async def test_added_resources_are_confirmed_and_removed_ones_are_gone(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        added = await post(client, f"{path}/support-resources", **SAMARITANS)
        resources = groups_of(app).support_resources(group_id(path))
        removed = await post(client, f"{path}/support-resources/{resources[0].id}/remove")
        again = await post(client, f"{path}/support-resources/{resources[0].id}/remove")

    assert (added.status_code, removed.status_code, again.status_code) == (303, 303, 409)
    assert "was removed meanwhile" in again.text
    left = groups_of(app).support_resources(group_id(path))
    assert [r.name for r in left] == [p.name for p in PLACEHOLDERS[1:]] + ["Samaritans"]
    assert left[-1].confirmed_on == today()


async def test_another_groups_facilitator_cannot_touch_them(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
    resource = groups_of(app).support_resources(group_id(path))[0]
    async with browser(app) as stranger:
        await register(stranger, email="zed@example.org")
        answer = await post(stranger, f"{path}/support-resources/{resource.id}/remove")

    assert answer.status_code == 404
    assert groups_of(app).support_resources(group_id(path))[0] == resource


async def test_the_privacy_page_says_how_long_a_support_request_is_kept(app: FastAPI) -> None:
    async with browser(app) as client:
        response = await client.get("/privacy")

    said = re.search(r'<li id="privacy-support">(.*?)</li>', response.text, re.S)
    assert said is not None
    assert "Only until a facilitator marks the follow-up done" in said.group(1)
    assert "only how many people asked is kept, never who" in said.group(1)
