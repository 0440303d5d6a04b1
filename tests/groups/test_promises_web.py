"""Housekeeping promises of Taking Time across the group's pages and its sessions (SQLite and
PostgreSQL): apologies beside the promise, releasing it on the console, and the group settling
it once the session is over (docs/timekeeping.md, "Housekeeping promises")."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.stages import StageKind
from app.session.command_base import Actor, Role
from app.session.commands import (
    Admit,
    AdvanceStage,
    EndSession,
    Join,
    ReleasePromise,
    StartSession,
)
from app.web.services import Services
from tests.groups.test_groups_web import group_id, start_session
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio


async def promise_priya_time(client: httpx.AsyncClient) -> str:
    """A group with Priya as a member, promised a chance to Take Time today; its page's path."""
    await register(client)
    path = await create_group(client)
    await post(client, f"{path}/members", preferred_name="Priya")
    await post(
        client,
        f"{path}/actions",
        kind="guaranteed_time",
        detail="Priya has time first",
        peer_name="Priya",
        due_on=today().isoformat(),
    )
    return path


async def end(app: FastAPI, session_id: str, *commands: object) -> None:
    svc: Services = app.state.services
    hub = await svc.registry.get(session_id)
    assert hub is not None
    sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    for command in (StartSession(id=str(uuid.uuid4())), *commands):
        await hub.execute(command, sam)  # type: ignore[arg-type]
    await hub.execute(EndSession(id=str(uuid.uuid4())), sam)


async def test_a_promise_not_kept_carries_to_the_next_session(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await promise_priya_time(client)
        first = await start_session(client, path)
        await end(app, first)  # nobody Took Time: the session went past it
        page = await client.get(path)
        second = await start_session(client, path)

    [promise] = groups_of(app).actions(group_id(path))
    assert promise.settled_as is None
    assert promise.carried_into == second
    # Settled once the first session was over: owed again, no longer "carried into" it.
    listed = re.search(r'id="action-list">(.*?)</ul>', page.text, re.S)
    assert listed is not None
    assert "Priya has time first" in listed.group(1)
    assert "carried into that session" not in listed.group(1)
    svc: Services = app.state.services
    hub = await svc.registry.get(second)
    assert hub is not None
    assert [a.action_id for a in hub.state.open_promises] == [promise.id]


async def test_a_released_promise_is_done_and_the_group_page_says_so(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await promise_priya_time(client)
        session_id = await start_session(client, path)
        before_the_start = await client.get(f"/s/{session_id}/console")
        [action] = groups_of(app).actions(group_id(path))
        await end(app, session_id, ReleasePromise(id=str(uuid.uuid4()), promise=action.id))
        page = await client.get(path)
        again = await start_session(client, path)

    # Released once the session is on, where "Undo" can take a mistake back.
    assert 'id="release-promise-1"' not in before_the_start.text
    assert "still owed" in before_the_start.text
    [released] = groups_of(app).actions(group_id(path))
    assert (released.carried_into, released.settled_as) == (session_id, "released")
    assert "released by a facilitator" in page.text
    svc: Services = app.state.services
    hub = await svc.registry.get(again)
    assert hub is not None
    assert hub.state.carried_over == ()


async def test_apologies_from_the_promised_person_show_beside_the_promise(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await promise_priya_time(client)
        [priya] = groups_of(app).members(group_id(path))
        groups_of(app).send_apology(priya.id, today(), time.time())
        page = await client.get(path)
        session_id = await start_session(client, path)
        console = await client.get(f"/s/{session_id}/console")

    [action] = groups_of(app).actions(group_id(path))
    note = re.search(rf'id="promise-apologies-{action.id}">(.*?)</span>', page.text, re.S)
    assert note is not None
    assert "Priya</bdi> sent apologies for" in note.group(1)
    assert "the promise waits for a meeting they come to" in note.group(1)
    assert re.search(
        r'id="promise-apologies-1"><bdi>Priya</bdi> sent apologies for this meeting\. The '
        r"promise can wait for a meeting they come to\.",
        console.text,
    )


async def test_planning_taking_time_preselects_the_promised_person(app: FastAPI) -> None:
    async with browser(app) as client:
        path = await promise_priya_time(client)
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        for name in ("Tom", "Priya"):
            person = Actor(role=Role.PARTICIPANT, id=f"p-{name.lower()}")
            await hub.execute(Join(id=str(uuid.uuid4()), name=name), person)
            await hub.execute(Admit(id=str(uuid.uuid4()), participant_id=person.id), sam)
        await hub.execute(StartSession(id=str(uuid.uuid4())), sam)
        while hub.state.current_stage.kind is not StageKind.INVITE_TAKING_TIME:  # type: ignore[union-attr]
            await hub.execute(AdvanceStage(id=str(uuid.uuid4())), sam)
        console = await client.get(f"/s/{session_id}/console")
        [action] = groups_of(app).actions(group_id(path))
        await hub.execute(ReleasePromise(id=str(uuid.uuid4()), promise=action.id), sam)
        released = await client.get(f"/s/{session_id}/console")

    assert re.search(r'id="guaranteed-time">.*<bdi>Priya</bdi>', console.text, re.S)
    # Released: no longer named as owed today, and nobody is preselected for it.
    assert 'id="guaranteed-time"' not in released.text
    assert " selected>" not in "".join(
        re.findall(r"<select id=\"plan-.*?</select>", released.text, re.S)
    )
    plans = re.findall(r'<select id="plan-[^"]+".*?</select>', console.text, re.S)
    assert len(plans) == 2  # Taking Time 1 and 2
    assert '<option value="p-priya" selected>Priya — promised time today</option>' in plans[0]
    assert "selected" not in plans[1]  # one promise: the second is left to the group
