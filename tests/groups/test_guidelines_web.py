"""Guidelines after they are agreed (issue 17): their words changed, retired (kept in the group's
history, brought back as they were), the list marked reviewed, and read together on every screen
at the guidelines stage. On SQLite and PostgreSQL.

Rules: only a guideline in force (agreed, not retired) has its words changed or is retired;
marking the list reviewed moves the next review of exactly those to the usual time from today;
a session brings the guidelines in force when it is created, and its guidelines stage shows them
on the console, the room view and the phones.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.stages import StageKind
from app.groups.rules import DEFAULT_REVIEW_AFTER
from app.session.command_base import Actor, Role
from app.session.commands import Admit, AdvanceStage, StartSession
from app.session.views import view_for
from app.store.groups import Guideline
from app.web.links import join_session, links_for
from app.web.local_time import date_words
from app.web.services import Services
from tests.groups.test_groups_web import group_id, start_session
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio

BELLIS = "stronger-together-grief-support"
PHONES = "Phones on silent, please."


def named(app: FastAPI, path: str, start: str) -> Guideline:
    return next(g for g in groups_of(app).guidelines(group_id(path)) if g.text.startswith(start))


def long_date(on: date) -> str:
    return f"{on.day} {on:%B %Y}"


async def with_a_proposal(client: httpx.AsyncClient) -> str:
    await register(client)
    path = await create_group(client, template_key=BELLIS)
    await post(client, f"{path}/guidelines", text=PHONES)
    return path


async def test_an_agreed_guidelines_words_are_changed(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await with_a_proposal(client)
        first = groups_of(app).guidelines(group_id(path))[0]
        changed = await post(client, f"{path}/guidelines/{first.id}/words", text="  We listen.  ")
        page = await client.get(path)

    assert changed.status_code == 303
    assert named(app, path, "We listen.").id == first.id
    assert "<bdi>We listen.</bdi>" in page.text
    assert f"<bdi>{first.text}</bdi>" not in page.text


async def test_empty_words_are_refused_and_nothing_is_lost(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await with_a_proposal(client)
        first = groups_of(app).guidelines(group_id(path))[0]
        bad = "Be kind\u202e"
        refused = await post(client, f"{path}/guidelines/{first.id}/words", text=bad)
        empty = await post(client, f"{path}/guidelines/{first.id}/words", text="   ")

    assert (refused.status_code, empty.status_code) == (422, 422)
    assert "Please enter the guideline." in empty.text
    assert 'value="Be kind' in refused.text  # what was typed is still in the form
    assert groups_of(app).guidelines(group_id(path))[0] == first


async def test_a_proposed_guideline_is_neither_reworded_nor_retired(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await with_a_proposal(client)
        proposed = named(app, path, PHONES)
        reworded = await post(client, f"{path}/guidelines/{proposed.id}/words", text="Changed")
        retired = await post(client, f"{path}/guidelines/{proposed.id}/retire")
        unknown = await post(client, f"{path}/guidelines/no-such-id/retire")

    for answer in (reworded, retired, unknown):
        assert answer.status_code == 409
        assert "Here is the list as it is now." in answer.text
    assert named(app, path, PHONES) == proposed


async def test_a_retired_guideline_is_kept_apart_and_can_be_brought_back(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await with_a_proposal(client)
        first = groups_of(app).guidelines(group_id(path))[0]
        await post(client, f"{path}/guidelines/{first.id}/retire")
        page = await client.get(path)
        again = await post(client, f"{path}/guidelines/{first.id}/retire")
        retired = named(app, path, first.text)
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        shown = [g.text for g in hub.state.guidelines]
        restored = await post(client, f"{path}/guidelines/{first.id}/restore")

    in_force = re.search(r'id="guideline-list">(.*?)</ul>', page.text, re.S)
    kept = re.search(r'id="retired-guidelines">(.*?)</details>', page.text, re.S)
    assert in_force is not None
    assert kept is not None
    assert first.text not in in_force.group(1)
    assert f'<bdi>{first.text}</bdi> <span class="hint">· retired {date_words(today())}' in (
        kept.group(1)
    )
    assert again.status_code == 409
    assert retired.retired_on == today()
    assert first.text not in shown
    assert shown  # the others still come
    assert restored.status_code == 303
    assert named(app, path, first.text) == first


async def test_marking_the_list_reviewed_shows_the_date_and_moves_each_review_on(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        path = await with_a_proposal(client)
        before = await client.get(path)
        guidelines = groups_of(app).guidelines(group_id(path))
        retiring = guidelines[1]
        await post(client, f"{path}/guidelines/{retiring.id}/retire")
        marked = await post(client, f"{path}/guidelines-reviewed")
        twice = await post(client, f"{path}/guidelines-reviewed")
        page = await client.get(path)
        exported = await client.get(f"{path}/export.csv")

    assert "Not reviewed together yet." in before.text
    assert (marked.status_code, twice.status_code) == (303, 303)
    assert f"Last reviewed {long_date(today())}." in page.text
    after = {g.id: g for g in groups_of(app).guidelines(group_id(path))}
    for guideline in guidelines:
        now = after[guideline.id]
        if guideline.agreed_on is not None and guideline.id != retiring.id:
            assert now.review_on == today() + DEFAULT_REVIEW_AFTER
        else:
            assert now.review_on == guideline.review_on  # proposed and retired: untouched
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert ["guideline review", today().isoformat(), "", "", ""] in rows
    assert ["guideline", str(retiring.agreed_on), "retired", retiring.text, ""] in rows


def test_the_long_date_reads_as_people_write_it() -> None:
    assert long_date(date(2026, 12, 3)) == "3 December 2026"


async def test_the_guidelines_stage_shows_the_guidelines_in_force_on_every_screen(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        path = await with_a_proposal(client)
        guidelines = groups_of(app).guidelines(group_id(path))
        retired, reworded = guidelines[0], guidelines[1]
        await post(client, f"{path}/guidelines/{retired.id}/retire")
        await post(client, f"{path}/guidelines/{reworded.id}/words", text="Zoë's wording 🌱")
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        priya = await join_session(svc, hub, "Priya")
        await hub.execute(Admit(id=str(uuid.uuid4()), participant_id=priya.participant_id), sam)
        await hub.execute(StartSession(id=str(uuid.uuid4())), sam)
        welcome = await client.get(f"/s/{session_id}/console")
        while hub.state.current_stage.kind is not StageKind.GUIDELINES:  # type: ignore[union-attr]
            await hub.execute(AdvanceStage(id=str(uuid.uuid4())), sam)
        console = await client.get(f"/s/{session_id}/console")
        room_link = links_for(svc, hub).room.url
        views = [view_for(hub.state, role, priya.participant_id) for role in Role]
    screens = {"console": console.text}
    for name, url in (("room", room_link), ("phone", priya.url)):
        async with browser(app) as device:
            screens[name] = (await device.get(url, follow_redirects=True)).text

    in_force = [g.text for g in guidelines[1:] if g.agreed_on is not None]
    in_force[0] = "Zoë's wording 🌱"
    assert "stage-guidelines" not in welcome.text
    for view in views:  # what scripts see (docs/protocol.md)
        assert view.current_stage is not None
        assert view.current_stage.guidelines == in_force
    for name, html in screens.items():
        listed = re.search(r'id="stage-guidelines"[^>]*>(.*?)</ol>', html, re.S)
        assert listed is not None, name
        assert re.findall(r"<bdi>(.*?)</bdi>", listed.group(1)) == [
            t.replace("'", "&#39;") for t in in_force
        ], name
        assert retired.text not in listed.group(1)
        assert PHONES not in listed.group(1)


async def test_only_the_groups_own_facilitators_change_its_guidelines(app: FastAPI) -> None:
    async with browser(app) as sam:
        path = await with_a_proposal(sam)
    first = groups_of(app).guidelines(group_id(path))[0]
    before = groups_of(app).guidelines(group_id(path))
    async with browser(app) as ana:
        await register(ana, email="ana@example.org", name="Ana")
        anas = await create_group(ana, name="Ana's own group")
        answers = [
            await post(ana, f"{path}/guidelines/{first.id}/words", text="Taken over"),
            await post(ana, f"{path}/guidelines/{first.id}/retire"),
            await post(ana, f"{path}/guidelines/{first.id}/restore"),
            await post(ana, f"{path}/guidelines-reviewed"),
        ]
        # Her own group's address with Sam's guideline: not hers to change.
        crossed = [
            await post(ana, f"{anas}/guidelines/{first.id}/words", text="Taken over"),
            await post(ana, f"{anas}/guidelines/{first.id}/retire"),
        ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert [a.status_code for a in crossed] == [409] * len(crossed)
    assert groups_of(app).guidelines(group_id(path)) == before
    assert groups_of(app).guidelines_last_reviewed(group_id(path)) is None
